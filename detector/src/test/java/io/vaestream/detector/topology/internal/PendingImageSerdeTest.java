package io.vaestream.detector.topology.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.detector.preprocess.ImageInput;
import io.vaestream.events.PixelFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

  @Test
  void shouldStillReadVersionTwoRecordsAsSentAtTheModelsSize() {
    byte[] v3 =
        PendingImageSerde.write(image(PixelFormat.GRAY8, new byte[] {7, 8}, null, null, null));
    byte[] v2 = java.util.Arrays.copyOf(v3, v3.length - 8);
    v2[0] = 2;
    PendingImage back = PendingImageSerde.read(v2);
    assertThat(back.image().pixels()).containsExactly(7, 8);
    assertThat(back.image().sourceWidth()).isZero();
    assertThat(back.image().sourceHeight()).isZero();
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
