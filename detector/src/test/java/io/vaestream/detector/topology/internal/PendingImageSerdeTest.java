package io.vaestream.detector.topology.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingImageSerdeTest {

  private static PendingImage image(float[] t, byte[] key, String label, Boolean anomalous) {
    return new PendingImage(key, "id", "cam", 5L, label, anomalous, Map.of("a", "b"), "images", 2, 77L, 9L, 11L, t);
  }

  @Test
  void shouldRoundTripEightBitTensorsInOneBytePerValue() {
    float[] t = new float[784];
    for (int i = 0; i < t.length; i++) {
      t[i] = (i % 256) / 255f;
    }
    byte[] b = PendingImageSerde.write(image(t, new byte[] {1, 2}, "3", true));
    PendingImage back = PendingImageSerde.read(b);
    assertThat(back.tensor()).containsExactly(t);
    assertThat(back.key()).containsExactly(1, 2);
    assertThat(back.anomalous()).isTrue();
    assertThat(back.attributes()).containsEntry("a", "b");
    assertThat(back.offset()).isEqualTo(77L);
    assertThat(b.length).isLessThan(784 + 200);
  }

  @Test
  void shouldKeepOtherTensorsExactAsFloats() {
    float[] t = {0.1234567f, 0.5f, 1e-7f};
    PendingImage back = PendingImageSerde.read(PendingImageSerde.write(image(t, null, null, null)));
    assertThat(back.tensor()).containsExactly(t);
    assertThat(back.key()).isNull();
    assertThat(back.label()).isNull();
    assertThat(back.anomalous()).isNull();
  }
}
