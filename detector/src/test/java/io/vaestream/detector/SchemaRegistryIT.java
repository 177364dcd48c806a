package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.testing.Images;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.SchemaRegistryServer;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.events.AnomalyScore;
import io.vaestream.events.DeadLetter;
import io.vaestream.events.ImageEvent;
import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.registry.RegistryAvro;
import io.vaestream.schemas.registry.SchemaRegistryClient;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Confluent wire format against a real schema registry (Apicurio Registry, in a child
 * process): input in every encoding on one topic, a producer with an evolved schema, ids and
 * schemas the detector cannot use, scores and dead letters written in the Confluent format, and a
 * registry that stops answering mid-stream.
 */
@Timeout(300)
class SchemaRegistryIT {
  @RegisterExtension
  static final SchemaRegistryServer REGISTRY = new SchemaRegistryServer();

  @TempDir
  Path dir;

  @Test
  void shouldScoreEveryEncodingOnOneTopicAndWriteTheConfluentFormat() throws Exception {
    String prefix = TestDetectors.prefix("registry");
    SchemaRegistryClient registry = SchemaRegistryClient.at(REGISTRY.url());
    Serializer<ImageEvent> confluent = RegistryAvro.serializer(registry, ImageEvent.class);
    Schema evolved = withOptionalField(ImageEvent.getClassSchema(), "exposure_ms");
    int evolvedId = registry.register(RegistryAvro.subject(TestDetectors.images(prefix)), evolved);
    Schema other = new Schema.Parser()
        .parse("{\"type\":\"record\",\"name\":\"Reading\",\"namespace\":\"plant\","
            + "\"fields\":[{\"name\":\"celsius\",\"type\":\"double\"}]}");
    int otherId = registry.register("readings-value", other);

    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    String images = TestDetectors.images(prefix);
    for (int i = 0; i < 100; i++) {
      records.add(record(images, "c" + i, confluent.serialize(images, event("c" + i, i))));
      records.add(
          record(images, "e" + i, framed(evolvedId, evolved, evolvedRecord(evolved, "e" + i, i))));
    }
    for (int i = 0; i < 50; i++) {
      records.add(record(images, "s" + i, Images.eventBytes("s" + i, 1000 + i)));
      records.add(record(images, "p" + i, Images.png(28, 28, BufferedImage.TYPE_BYTE_GRAY)));
    }
    records.add(record(images, "bad-unknown-id", frame(99_999, new byte[] {2, 'x'})));
    records.add(record(images, "bad-other-schema", frame(otherId, new byte[8])));
    records.add(record(images, "bad-magic", new byte[] {1, 0, 0, 0, 7, 2, 'x'}));

    KafkaBroker kafka = KafkaBroker.shared();
    kafka.createTopics(2, TestDetectors.topics(prefix));
    Map<String, Object> p = REGISTRY.detectorSettings(kafka, dir, prefix);
    p.put(DetectorConfig.VALUE_FORMAT, "confluent");
    Deserializer<AnomalyScore> scores = RegistryAvro.deserializer(registry, AnomalyScore.class);
    try (Detector detector = Detector.start(new DetectorConfig(p));
        ScoreTally tally =
            new ScoreTally(kafka.clientSettings(), TestDetectors.scores(prefix), scores)) {
      send(kafka, records);
      await().atMost(Duration.ofSeconds(90)).until(() -> tally.drain() == 300);
      tally.drain(Duration.ofSeconds(1));
      tally.assertOneScorePerInputRecord(300);
      assertThat(tally.perId.keySet()).contains("c0", "e99", "s49", "p0");

      Map<String, DeadLetter> letters = deadLetters(
          kafka, prefix + "-dlq", RegistryAvro.deserializer(registry, DeadLetter.class), 3);
      assertThat(letters.get("bad-unknown-id").getErrorType()).isEqualTo("UNKNOWN_SCHEMA");
      assertThat(letters.get("bad-unknown-id").getReason()).contains("schema id 99999", "HTTP 404");
      assertThat(letters.get("bad-other-schema").getErrorType()).isEqualTo("INCOMPATIBLE_SCHEMA");
      assertThat(letters.get("bad-other-schema").getReason())
          .contains("plant.Reading", "io.vaestream.events.ImageEvent");
      assertThat(letters.get("bad-magic").getErrorType()).isEqualTo("UNSUPPORTED_FRAMING");
      assertThat(letters.get("bad-magic").getReason()).contains("magic byte 01");
    }
  }

  @Test
  void shouldHoldRecordsWhileTheRegistryDoesNotAnswerAndLoseNothing() throws Exception {
    String prefix = TestDetectors.prefix("outage");
    SchemaRegistryClient registry = SchemaRegistryClient.at(REGISTRY.url());
    String images = TestDetectors.images(prefix);
    Serializer<ImageEvent> confluent = RegistryAvro.serializer(registry, ImageEvent.class);
    // A schema version the detector has not seen yet: reading it needs the registry.
    Schema evolved =
        withOptionalField(ImageEvent.getClassSchema(), "lens_" + prefix.replace('-', '_'));
    int evolvedId = registry.register(RegistryAvro.subject(images), evolved);

    KafkaBroker kafka = KafkaBroker.shared();
    kafka.createTopics(1, TestDetectors.topics(prefix));
    Map<String, Object> p = REGISTRY.detectorSettings(kafka, dir, prefix);
    p.put(SchemaRegistryClient.REQUEST_TIMEOUT_MS, 2000);
    try (Detector detector = Detector.start(new DetectorConfig(p));
        ScoreTally tally = new ScoreTally(kafka.bootstrapServers(), TestDetectors.scores(prefix));
        KafkaConsumer<byte[], byte[]> dlq = everything(kafka, prefix + "-dlq")) {
      List<ProducerRecord<byte[], byte[]>> before = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        before.add(record(images, "a" + i, confluent.serialize(images, event("a" + i, i))));
      }
      send(kafka, before);
      await().atMost(Duration.ofSeconds(60)).until(() -> tally.drain() == 100);

      REGISTRY.pause();
      long t0 = System.nanoTime();
      List<ProducerRecord<byte[], byte[]>> during = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        during.add(record(
            images, "b" + i, framed(evolvedId, evolved, evolvedRecord(evolved, "b" + i, i))));
      }
      send(kafka, during);
      // 30 s of outage in which nothing of the new schema may be scored or dead-lettered.
      int[] deadLetters = {0};
      await().during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(40)).until(() -> {
        deadLetters[0] += dlq.poll(Duration.ofMillis(100)).count();
        return tally.drain() == 100 && deadLetters[0] == 0;
      });
      REGISTRY.resume();
      System.out.printf(
          "registry frozen for %.1f s; the detector held the records%n",
          (System.nanoTime() - t0) / 1e9);

      await().atMost(Duration.ofSeconds(90)).until(() -> tally.drain() == 300);
      tally.drain(Duration.ofSeconds(1));
      System.out.printf(
          "all 300 scored %.1f s after the registry came back%n",
          (System.nanoTime() - t0) / 1e9 - 30);
      tally.assertOneScorePerInputRecord(300);
      deadLetters[0] += dlq.poll(Duration.ofSeconds(1)).count();
      assertThat(deadLetters[0])
          .as("nothing good dead-lettered, not even in an aborted transaction")
          .isZero();
    }
  }

  private static ImageEvent event(String id, long seed) {
    return Images.event(id, Images.gray(seed), 28, 28, PixelFormat.GRAY8, 1);
  }

  /** {@code schema} with one more field, an optional int: what a producer a version ahead sends. */
  private static Schema withOptionalField(Schema schema, String name) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field(
        name,
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.INT)),
        null,
        Schema.Field.NULL_DEFAULT_VALUE));
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  private static GenericRecord evolvedRecord(Schema evolved, String id, long seed) {
    ImageEvent e = event(id, seed);
    GenericRecord r = new GenericData.Record(evolved);
    for (Schema.Field f : ImageEvent.getClassSchema().getFields()) {
      Object v = e.get(f.pos());
      if (v instanceof Enum<?> en) {
        v = new GenericData.EnumSymbol(f.schema(), en.name());
      }
      r.put(f.name(), v);
    }
    r.put(evolved.getFields().get(evolved.getFields().size() - 1).name(), 12);
    return r;
  }

  private static byte[] framed(int id, Schema schema, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema, withTimestamps()).write(record, enc);
    enc.flush();
    return frame(id, out.toByteArray());
  }

  private static GenericData withTimestamps() {
    GenericData data = new GenericData();
    data.addLogicalTypeConversion(
        new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
    return data;
  }

  private static byte[] frame(int id, byte[] body) {
    return ByteBuffer.allocate(RegistryAvro.HEADER_BYTES + body.length)
        .put(RegistryAvro.MAGIC)
        .putInt(id)
        .put(body)
        .array();
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(topic, TestDetectors.key(key), value);
  }

  private static void send(KafkaBroker kafka, List<ProducerRecord<byte[], byte[]>> records) {
    try (KafkaProducer<byte[], byte[]> producer =
        TestDetectors.producer(kafka.bootstrapServers())) {
      records.forEach(producer::send);
    }
  }

  private static Map<String, DeadLetter> deadLetters(
      KafkaBroker kafka, String topic, Deserializer<DeadLetter> de, int expected) {
    Map<String, DeadLetter> out = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c =
        TestDetectors.readCommitted(kafka.bootstrapServers(), topic)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.put(new String(r.key(), StandardCharsets.UTF_8), de.deserialize(topic, r.value()));
        }
        return out.size() >= expected;
      });
    }
    return out;
  }

  /** A consumer of every record written to {@code topic}, committed or not. */
  private static KafkaConsumer<byte[], byte[]> everything(KafkaBroker kafka, String topic) {
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_uncommitted",
            ConsumerConfig.GROUP_ID_CONFIG,
            "dlq-" + UUID.randomUUID()),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    c.subscribe(List.of(topic));
    return c;
  }
}
