package io.vaestream.tools;

import io.vaestream.events.ImageEvent;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.RawImage;
import io.vaestream.schemas.registry.RegistryAvro;
import io.vaestream.schemas.registry.SchemaRegistryClient;
import io.vaestream.schemas.registry.SchemaRegistryException;
import io.vaestream.trainer.data.ImageDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Sends a data set to a topic as {@link ImageEvent}s, optionally at a fixed rate, for {@code
 * produce} and {@code demo}. Event ids are {@code PREFIX-INDEX}; the event time is the moment of
 * sending, so that event-to-score latency is measured from there. Public so that the benchmark
 * harness (module {@code bench}) sends exactly what users' producers send.
 */
public final class ImageSender {
  /** The producer's {@code max.request.size} unless told otherwise: Kafka's default, 1 MiB. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1 << 20;
  /** What a record takes besides its key and value: headers, framing, the batch's own header. */
  private static final int RECORD_OVERHEAD = 256;

  private final String bootstrap;
  private final String topic;
  private final Serializer<ImageEvent> events;
  private final int maxRequestBytes;

  /** A sender of Avro single-object encoded events. */
  public ImageSender(String bootstrap, String topic) {
    this(bootstrap, topic, null);
  }

  /**
   * A sender of events in the Confluent wire format through the registry at {@code schemaRegistry},
   * or in single-object encoding when it is null.
   */
  public ImageSender(String bootstrap, String topic, String schemaRegistry) {
    this(bootstrap, topic, schemaRegistry, DEFAULT_MAX_REQUEST_BYTES);
  }

  /** As above, with the producer's {@code max.request.size}: the largest event it sends. */
  public ImageSender(String bootstrap, String topic, String schemaRegistry, int maxRequestBytes) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.maxRequestBytes = maxRequestBytes;
    this.events = schemaRegistry == null
        ? (t, e) -> AvroSerdes.encode(e)
        : RegistryAvro.serializer(SchemaRegistryClient.at(schemaRegistry), ImageEvent.class);
  }

  /**
   * Sends {@code count} images, starting again from the first when the data set runs out, and
   * waits until all are acknowledged.
   *
   * @param normal labels that are normal; the others are marked anomalous; null leaves it unknown
   * @param rate images per second; 0 or less sends as fast as possible
   * @return images acknowledged
   */
  public long send(
      ImageDataset d,
      int count,
      String idPrefix,
      Set<Integer> normal,
      double rate,
      LongConsumer progress) {
    return send(d, count, i -> idPrefix + "-" + i, normal, rate, progress);
  }

  /** As {@link #send(ImageDataset, int, String, Set, double, LongConsumer)}, image {@code i} keyed {@code ids(i)}. */
  public long send(
      ImageDataset d,
      int count,
      IntFunction<String> ids,
      Set<Integer> normal,
      double rate,
      LongConsumer progress) {
    Map<String, Object> props = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap,
        ProducerConfig.LINGER_MS_CONFIG,
        5,
        ProducerConfig.BATCH_SIZE_CONFIG,
        256 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG,
        "lz4",
        ProducerConfig.ACKS_CONFIG,
        "all",
        // One request in flight per broker: with more, Kafka 4.3's broker can answer a new topic's
        // pipelined batches with OUT_OF_ORDER_SEQUENCE_NUMBER until the send times out (seen on a
        // freshly created 4-partition topic; cf. KAFKA-18202). Batches of 256 KB keep the rate up.
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
        1,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        maxRequestBytes);
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count && failure.get() == null; i++) {
        if (rate > 0) {
          long wait = t0 + (long) (i * 1e9 / rate) - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        String id = ids.apply(i);
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        byte[] value;
        try {
          value = events.serialize(topic, event(d, i, id, normal));
        } catch (SchemaRegistryException e) {
          throw new UncheckedIOException(
              new IOException("encoding " + id + " for " + topic + ": " + e.getMessage(), e));
        }
        if (key.length + value.length + RECORD_OVERHEAD > maxRequestBytes) {
          // before Kafka's own refusal, which names neither the image nor what to do
          throw new IllegalArgumentException(String.format(
              Locale.ROOT,
              "%s (image %d of %s, %s) is %,d bytes as an event, over the producer's "
                  + "max.request.size of %,d: give --max-request-size (and the topic's "
                  + "max.message.bytes to match) or a smaller --image-size",
              id,
              i % d.size(),
              d.description(),
              d.contract(),
              key.length + value.length,
              maxRequestBytes));
        }
        producer.send(new ProducerRecord<>(topic, key, value), (md, ex) -> {
          if (ex != null) {
            failure.compareAndSet(null, ex);
          } else {
            acked.incrementAndGet();
          }
        });
        progress.accept(i + 1);
      }
      producer.flush();
    }
    if (failure.get() != null) {
      // the broker's refusal or its absence, not a fault of this code: one line, not a trace
      throw new UncheckedIOException(new IOException(
          "sending to " + topic + " failed after " + acked.get() + " images: "
              + failure.get().getMessage(),
          failure.get()));
    }
    return acked.get();
  }

  /** Image {@code n} of {@code d} (counted round the data set) as an 8-bit grey or RGB event. */
  public static ImageEvent event(ImageDataset d, int n, String id, Set<Integer> normal) {
    int i = n % d.size();
    RawImage raw = d.raw(i);
    int label = d.label(i);
    return ImageEvent.newBuilder()
        .setId(id)
        .setSource(d.description())
        .setEventTime(Instant.now())
        .setWidth(d.contract().width())
        .setHeight(d.contract().height())
        .setChannels(ImageContract.channelsOf(raw.format()))
        .setPixelFormat(raw.format())
        .setPixels(ByteBuffer.wrap(raw.pixels()))
        .setLabel(label < 0 ? null : d.className(label))
        .setAnomalous(normal == null || label < 0 ? null : !normal.contains(label))
        .setAttributes(Map.of("index", Integer.toString(i)))
        .build();
  }
}
