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
    for (org.apache.avro.Schema s : new org.apache.avro.Schema[] {ImageEvent.getClassSchema(),
        AnomalyScore.getClassSchema(), DeadLetter.getClassSchema()}) {
      assertThat(doc).as(s.getName()).contains("`" + s.getName() + "` | `" + AvroSerdes.fingerprint(s) + "`");
    }
  }

  @Test
  void shouldNameAnUnknownFingerprintInHex() {
    byte[] unknown = {(byte) 0xC3, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, (byte) 0x88, 0x00};
    assertThatThrownBy(() -> AvroSerdes.imageEvent().deserializer().deserialize("images", unknown))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown writer schema: fingerprint 0x8807060504030201")
        .hasMessageContaining("is not ImageEvent's (" + AvroSerdes.fingerprint(ImageEvent.getClassSchema()) + ")");
  }
}
