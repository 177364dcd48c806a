package io.vaestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.events.AnomalyScore;
import io.vaestream.events.DeadLetter;
import io.vaestream.events.ImageEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdesTest {

  @Test
  void shouldDocumentTheFingerprintOfEverySchemaOnTheWire() throws Exception {
    String doc = Files.readString(Path.of("../docs/wire-format.md"));
    for (org.apache.avro.Schema s : new org.apache.avro.Schema[] {
      ImageEvent.getClassSchema(), AnomalyScore.getClassSchema(), DeadLetter.getClassSchema()
    }) {
      assertThat(doc)
          .as(s.getName())
          .contains("`" + s.getName() + "` | `" + AvroSerdes.fingerprint(s) + "`");
    }
  }

  @Test
  void shouldNameAnUnknownFingerprintInHex() {
    byte[] unknown = {(byte) 0xC3, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, (byte) 0x88, 0x00
    };
    assertThatThrownBy(() -> AvroSerdes.imageEvent().deserializer().deserialize("images", unknown))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown writer schema: fingerprint 0x8807060504030201")
        .hasMessageContaining(
            "is not ImageEvent's (" + AvroSerdes.fingerprint(ImageEvent.getClassSchema()) + ")");
  }

  @Test
  void shouldReadScoresWrittenBeforeLocalizationExisted() throws Exception {
    org.apache.avro.Schema old;
    try (var in = AvroSerdes.class.getResourceAsStream("AnomalyScore-1.avsc")) {
      old = new org.apache.avro.Schema.Parser().parse(in);
    }
    org.apache.avro.generic.GenericRecord r = new org.apache.avro.generic.GenericRecordBuilder(old)
        .set("event_id", "e1")
        .set("event_time", 1L)
        .set("scored_time", 2L)
        .set("model_name", "m")
        .set("model_version", "1")
        .set("reconstruction_error", 0.5)
        .set("kl", 1.5)
        .set("score", 2.0)
        .set("threshold", 1.0)
        .set("is_anomaly", true)
        .set("processing_latency_ms", 3.0)
        .build();
    byte[] bytes = new org.apache.avro.message.BinaryMessageEncoder<
            org.apache.avro.generic.GenericRecord>(org.apache.avro.generic.GenericData.get(), old)
        .encode(r)
        .array();
    io.vaestream.events.AnomalyScore s =
        AvroSerdes.anomalyScore().deserializer().deserialize("scores", bytes);
    assertThat(s.getEventId()).isEqualTo("e1");
    assertThat(s.getIsAnomaly()).isTrue();
    assertThat(s.getLocalization()).isNull();
  }
}
