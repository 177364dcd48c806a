package io.vaestream.detector.topology.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.detector.preprocess.ImageInput;
import io.vaestream.events.PixelFormat;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingImageSerdeTest {

  private static PendingImage image(
      PixelFormat format, byte[] pixels, byte[] key, String label, Boolean anomalous) {
    return new PendingImage(
        key,
        new ImageInput(
            "id", "cam", 5L, label, anomalous, Map.of("a", "b"), format, pixels, 640, 480),
        "images",
        2,
        77L,
        9L,
        11L);
  }

  @Test
  void shouldKeepEightBitPixelsAsOneBytePerSample() {
    byte[] px = new byte[784];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) i;
    }
    byte[] b = PendingImageSerde.write(image(PixelFormat.GRAY8, px, new byte[] {1, 2}, "3", true));
    PendingImage back = PendingImageSerde.read(b);
    assertThat(back.image().format()).isEqualTo(PixelFormat.GRAY8);
    assertThat(back.image().pixels()).containsExactly(px);
    assertThat(back.key()).containsExactly(1, 2);
    assertThat(back.image().anomalous()).isTrue();
    assertThat(back.image().attributes()).containsEntry("a", "b");
    assertThat(back.offset()).isEqualTo(77L);
    assertThat(back.image().sourceWidth()).isEqualTo(640);
    assertThat(back.image().sourceHeight()).isEqualTo(480);
    assertThat(b.length).isLessThan(784 + 100);
  }

  /** A record as version 3 wrote it: text in modified UTF-8, the label behind a presence flag. */
  private static byte[] versionThree(byte[] pixels) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(3);
    out.writeInt(-1); // no key
    out.writeUTF("id");
    out.writeUTF("cam");
    out.writeLong(5L);
    out.writeBoolean(true);
    out.writeUTF("Sneaker");
    out.writeByte(1); // anomalous
    out.writeInt(1);
    out.writeUTF("a");
    out.writeUTF("b");
    out.writeUTF("images");
    out.writeInt(2);
    out.writeLong(77L);
    out.writeLong(9L);
    out.writeLong(11L);
    out.writeByte(PixelFormat.GRAY8.ordinal());
    out.writeInt(pixels.length);
    out.write(pixels);
    out.writeInt(640);
    out.writeInt(480);
    return bytes.toByteArray();
  }

  @Test
  void shouldStillReadVersionThreeRecordsWrittenBeforeAnUpgrade() throws IOException {
    PendingImage back = PendingImageSerde.read(versionThree(new byte[] {7, 8}));
    assertThat(back.image().id()).isEqualTo("id");
    assertThat(back.image().source()).isEqualTo("cam");
    assertThat(back.image().label()).isEqualTo("Sneaker");
    assertThat(back.image().anomalous()).isTrue();
    assertThat(back.image().attributes()).containsExactly(Map.entry("a", "b"));
    assertThat(back.topic()).isEqualTo("images");
    assertThat(back.offset()).isEqualTo(77L);
    assertThat(back.image().pixels()).containsExactly(7, 8);
    assertThat(back.image().sourceWidth()).isEqualTo(640);
  }

  @Test
  void shouldStillReadVersionTwoRecordsAsSentAtTheModelsSize() throws IOException {
    byte[] v3 = versionThree(new byte[] {7, 8});
    byte[] v2 = Arrays.copyOf(v3, v3.length - 8);
    v2[0] = 2;
    PendingImage back = PendingImageSerde.read(v2);
    assertThat(back.image().pixels()).containsExactly(7, 8);
    assertThat(back.image().sourceWidth()).isZero();
    assertThat(back.image().sourceHeight()).isZero();
  }

  /** A one-pixel image whose id, label and attributes are these. */
  private static PendingImage withText(String id, String label, Map<String, String> attributes) {
    ImageInput image = new ImageInput(
        id, "cam", 5L, label, false, attributes, PixelFormat.GRAY8, new byte[] {1}, 0, 0);
    return new PendingImage(null, image, "images", 0, 1L, 2L, 3L);
  }

  /**
   * Text that modified UTF-8 holds is written as version 3, which a detector rolled back to an
   * older version reads; a NUL and a surrogate pair are where modified UTF-8 differs from UTF-8.
   */
  @Test
  void shouldWriteVersionThreeWhereTheTextFitsIt() {
    byte[] b = PendingImageSerde.write(
        withText("e-\u0000-\uD83D\uDCF7", "Sneaker", Map.of("k", "v\u0000")));
    assertThat(b[0]).isEqualTo((byte) 3);
    PendingImage back = PendingImageSerde.read(b);
    assertThat(back.image().id()).isEqualTo("e-\u0000-\uD83D\uDCF7");
    assertThat(back.image().label()).isEqualTo("Sneaker");
    assertThat(back.image().attributes()).containsExactly(Map.entry("k", "v\u0000"));
  }

  /** Modified UTF-8 stops at 65,535 bytes; an attribute past it stopped the stream thread. */
  @Test
  void shouldKeepTextOfAnyLengthAndScript() {
    String longValue = "é".repeat(40_000); // 80,000 bytes
    String id = "Prüfling-\uD83D\uDCF7-7"; // a camera emoji: a surrogate pair
    byte[] b = PendingImageSerde.write(withText(id, null, Map.of("recipe", longValue, "leer", "")));
    assertThat(b[0]).as("past modified UTF-8: version 4").isEqualTo((byte) 4);
    PendingImage back = PendingImageSerde.read(b);
    assertThat(back.image().id()).isEqualTo(id);
    assertThat(back.image().label()).isNull();
    assertThat(back.image().attributes())
        .containsEntry("recipe", longValue)
        .containsEntry("leer", "");
  }

  @Test
  void shouldKeepFloatPixelsBitForBit() {
    ByteBuffer f = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    f.putFloat(0.1234567f).putFloat(0.5f).putFloat(1e-7f);
    PendingImage back = PendingImageSerde.read(
        PendingImageSerde.write(image(PixelFormat.GRAY_F32, f.array(), null, null, null)));
    assertThat(back.image().format()).isEqualTo(PixelFormat.GRAY_F32);
    assertThat(back.image().pixels()).containsExactly(f.array());
    assertThat(back.key()).isNull();
    assertThat(back.image().label()).isNull();
    assertThat(back.image().anomalous()).isNull();
  }
}
