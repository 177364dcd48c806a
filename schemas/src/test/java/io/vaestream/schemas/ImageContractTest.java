package io.vaestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.ImageContractException.Reason;
import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageContractTest {
  private final ImageContract gray = new ImageContract(2, 2, 1);

  @Test
  void shouldScaleGrayBytesToUnitInterval() {
    float[] out = new float[4];
    gray.toTensor(PixelFormat.GRAY8, 2, 2, new byte[] {0, (byte) 255, (byte) 128, 51}, out, 0);
    assertThat(out).containsExactly(0f, 1f, 128 / 255f, 0.2f);
  }

  @Test
  void shouldReduceRgbToLumaForOneChannel() {
    float[] out = new float[4];
    byte[] px = new byte[12];
    px[0] = (byte) 255; // pure red in the first pixel
    gray.toTensor(PixelFormat.RGB8, 2, 2, px, out, 0);
    assertThat(out[0]).isCloseTo(0.299f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(out[1]).isZero();
  }

  @Test
  void shouldLayOutColourAsPlanes() {
    ImageContract rgb = new ImageContract(2, 1, 3);
    float[] out = new float[6];
    rgb.toTensor(PixelFormat.RGB8, 2, 1, new byte[] {(byte) 255, 0, 0, 0, 0, (byte) 255}, out, 0);
    assertThat(out).containsExactly(1f, 0f, 0f, 0f, 0f, 1f);
  }

  @Test
  void shouldRejectAByteCountThatDoesNotMatchTheDeclaredSize() {
    assertThatThrownBy(() -> gray.toTensor(PixelFormat.GRAY8, 2, 2, new byte[5], new float[4], 0))
        .isInstanceOfSatisfying(
            ImageContractException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.SIZE_MISMATCH))
        .hasMessageContaining("expected 4 bytes")
        .hasMessageContaining("got 5");
  }

  @Test
  void shouldRejectWrongDimensionsBeforeReadingPixels() {
    assertThatThrownBy(
            () -> gray.toTensor(PixelFormat.GRAY8, 100000, 100000, new byte[0], new float[4], 0))
        .isInstanceOfSatisfying(
            ImageContractException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_DIMENSIONS))
        .hasMessageContaining("100000x100000");
  }

  /**
   * A grey image is a colour image whose channels agree: PNG writers store colour frames that
   * happen to be grey as grey, and a folder of colour photos may hold some.
   */
  @Test
  void shouldRepeatGreyInEveryChannelOfAColourModel() {
    ImageContract rgb = new ImageContract(2, 2, 3);
    float[] t = new float[12];
    rgb.toTensor(PixelFormat.GRAY8, 2, 2, new byte[] {0, 51, (byte) 255, 102}, t, 0);
    assertThat(t).containsExactly(0f, 0.2f, 1f, 0.4f, 0f, 0.2f, 1f, 0.4f, 0f, 0.2f, 1f, 0.4f);
    assertThatThrownBy(
            () -> rgb.toTensor(PixelFormat.GRAY_F32, 2, 2, new byte[16], new float[12], 0))
        .isInstanceOfSatisfying(
            ImageContractException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_CHANNELS));
  }

  @Test
  void shouldConvertADecodedImage() {
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSample(1, 0, 0, 255);
    assertThat(gray.toTensor(img)).containsExactly(0f, 1f, 0f, 0f);
  }

  @Test
  void shouldFlagNonFiniteAndOutOfRangeValues() {
    assertThatThrownBy(() -> gray.checkScaled(new float[] {0, Float.NaN, 0, 0}, 0))
        .isInstanceOfSatisfying(
            ImageContractException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NON_FINITE))
        .hasMessageContaining("index 1");
    assertThatThrownBy(() -> gray.checkScaled(new float[] {0, 0, 1.5f, 0}, 0))
        .isInstanceOfSatisfying(
            ImageContractException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.OUT_OF_RANGE));
  }

  @Test
  void shouldRoundTripThroughModelMetadata() {
    assertThat(ImageContract.fromMetadata(ImageContract.GRAY_28.toMetadata()))
        .isEqualTo(ImageContract.GRAY_28);
  }

  @Test
  void shouldNameTheMissingMetadataKey() {
    Map<String, String> m = new java.util.HashMap<>(ImageContract.GRAY_28.toMetadata());
    m.remove("vaestream.input.width");
    assertThatThrownBy(() -> ImageContract.fromMetadata(m))
        .hasMessageContaining("vaestream.input.width");
    m.put("vaestream.input.width", "wide");
    assertThatThrownBy(() -> ImageContract.fromMetadata(m))
        .hasMessageContaining("vaestream.input.width=wide");
  }

  @Test
  void shouldRefuseImpossibleContracts() {
    assertThatThrownBy(() -> new ImageContract(0, 28, 1)).hasMessageContaining("0x28");
    assertThatThrownBy(() -> new ImageContract(28, 28, 2))
        .hasMessageContaining("channels must be 1 or 3, got 2");
  }

  @Test
  void shouldKeepTheResizePolicyInTheMetadataAndReadOldModelsAsExact() {
    ImageContract crop = new ImageContract(64, 48, 3, ImageContract.Resize.CROP);
    assertThat(ImageContract.fromMetadata(crop.toMetadata())).isEqualTo(crop);
    Map<String, String> old = new java.util.HashMap<>(crop.toMetadata());
    old.remove("vaestream.input.resize");
    assertThat(ImageContract.fromMetadata(old).resize()).isEqualTo(ImageContract.Resize.EXACT);
    old.put("vaestream.input.resize", "stretch");
    assertThatThrownBy(() -> ImageContract.fromMetadata(old))
        .hasMessageContaining("vaestream.input.resize=stretch");
  }

  @Test
  void shouldAverageWhenShrinkingAndKeepAConstantImageConstant() {
    ImageContract two = new ImageContract(2, 1, 1, ImageContract.Resize.RESIZE);
    RawImage fitted = two.fit(new RawImage(PixelFormat.GRAY8, 4, 2, new byte[] {
      0, 100, (byte) 200, (byte) 200, 0, 100, (byte) 200, (byte) 200
    }));
    assertThat(fitted.pixels()).containsExactly(50, (byte) 200);
    RawImage flat = new ImageContract(5, 7, 3, ImageContract.Resize.RESIZE)
        .fit(new RawImage(PixelFormat.RGBA8, 3, 2, filled(3 * 2 * 4, 77)));
    assertThat(flat.format()).isEqualTo(PixelFormat.RGB8);
    assertThat(flat.pixels()).hasSize(5 * 7 * 3).containsOnly(77);
  }

  @Test
  void shouldCropTheCentreToTheContractsAspectBeforeResizing() {
    // 6×2 grey: the centred 2×2 square holds the 9s, the sides the 1s
    byte[] wide = {1, 1, 9, 9, 1, 1, 1, 1, 9, 9, 1, 1};
    ImageContract square = new ImageContract(2, 2, 1, ImageContract.Resize.CROP);
    assertThat(square.fit(new RawImage(PixelFormat.GRAY8, 6, 2, wide)).pixels()).containsOnly(9);
    assertThat(square.toSource(0, 0, 1, 1, 6, 2)).containsExactly(2, 0, 1, 1);
    assertThat(square.withResize(ImageContract.Resize.RESIZE).toSource(1, 1, 1, 1, 6, 2))
        .containsExactly(3, 1, 3, 1);
  }

  /** A box at the map's last column ended a pixel past the image: 900 px sent to 224 gave 901. */
  @Test
  void shouldNeverMapABoxPastTheImagesEdge() {
    for (int side : new int[] {28, 112, 224, 299, 448}) {
      ImageContract c = new ImageContract(side, side, 3, ImageContract.Resize.RESIZE);
      for (int sent : new int[] {700, 900, 1000, 1080}) {
        for (int w = 1; w <= 4; w++) {
          int[] b = c.toSource(side - w, side - w, w, w, sent, sent);
          assertThat(b[0] + b[2]).as("%d into %d, last %d", sent, side, w).isEqualTo(sent);
          assertThat(b[1] + b[3]).isEqualTo(sent);
        }
        assertThat(c.toSource(0, 0, side, side, sent, sent)).containsExactly(0, 0, sent, sent);
      }
    }
  }

  @Test
  void shouldRejectOtherSizesUnderExactAndHugeOnesUnderAnyPolicy() {
    assertThatThrownBy(() -> gray.fit(new RawImage(PixelFormat.GRAY8, 3, 3, new byte[9])))
        .isInstanceOf(ImageContractException.class)
        .hasMessageContaining("3x3")
        .hasMessageContaining("exact");
    ImageContract resize = gray.withResize(ImageContract.Resize.RESIZE);
    assertThatThrownBy(() -> resize.checkSource(4096, 4097)).hasMessageContaining("4096x4097");
    assertThatThrownBy(() -> resize.checkSource(100_000, 100_000))
        .hasMessageContaining("100000x100000");
    assertThatThrownBy(() -> resize.fit(new RawImage(PixelFormat.GRAY_F32, 1, 1, new byte[4])))
        .hasMessageContaining("float pixels are never resampled");
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }
}
