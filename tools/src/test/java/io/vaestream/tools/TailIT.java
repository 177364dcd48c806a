package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.embedded.EmbeddedKafka;
import io.vaestream.schemas.AvroSerdes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tail} against a real broker, on what a topic can hold besides scores. */
@Timeout(120)
class TailIT {
  /** A tombstone (a record without a value, as {@code promote} writes) stopped tail with an NPE. */
  @Test
  void shouldSkipATombstoneNamingItAndReadTheScoreAfterIt() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopics(1, "scores");
      try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(
          Map.of("bootstrap.servers", kafka.bootstrapServers()),
          new ByteArraySerializer(),
          new ByteArraySerializer())) {
        p.send(new ProducerRecord<>("scores", "gone".getBytes(StandardCharsets.UTF_8), null));
        p.send(new ProducerRecord<>(
            "scores", null, AvroSerdes.encode(ScoreSummaryTest.score(0.5, false, false))));
      }
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream before = System.err;
      int exit;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        exit = VaestreamApp.commandLine()
            .execute(
                "tail",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                "scores",
                "--from-beginning",
                "--count",
                "1",
                "--quiet");
      } finally {
        System.setErr(before);
      }
      String log = err.toString(StandardCharsets.UTF_8);
      assertThat(exit).as(log).isZero();
      assertThat(log).contains("skipping scores-0@0: a tombstone (no value), not a score");
      assertThat(log).contains("1 scores");
    }
  }
}
