package io.vaestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.events.PixelFormat;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

class RawImageTest {
  /** Through a PNG file, as the trainer and the detector read them. */
  private static BufferedImage viaPng(BufferedImage img) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
  }

  /** Industrial cameras write 16-bit grey; getRGB's sRGB conversion made 128 into 188. */
  @Test
  void shouldKeepTheLevelsOfASixteenBitGreyImage() throws Exception {
    BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
    img.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0x0000, 0x8080, 0xFFFF});

    RawImage raw = RawImage.of(viaPng(img));

    assertThat(raw.format()).isEqualTo(PixelFormat.GRAY8);
    assertThat(raw.pixels()).containsExactly(0, (byte) 128, (byte) 255);
  }

  @Test
  void shouldKeepEightBitGreyAndColourAsTheyAre() throws Exception {
    BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {7, 200});
    assertThat(RawImage.of(viaPng(grey)).pixels()).containsExactly(7, (byte) 200);

    BufferedImage rgb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    rgb.setRGB(0, 0, 0x102030);
    RawImage c = RawImage.of(viaPng(rgb));
    assertThat(c.format()).isEqualTo(PixelFormat.RGB8);
    assertThat(c.pixels()).containsExactly(0x10, 0x20, 0x30);
  }

  /**
   * 1, 2 and 4-bit grey PNGs decode with a palette of greys; read as colour, one of them in a
   * folder of grey images made the trainer build a three-channel model.
   */
  @Test
  void shouldReadAPaletteOfGreysAsGreyAndAColourPaletteAsColour() throws Exception {
    BufferedImage binary = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY);
    binary.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {1, 0, 1});
    RawImage bits = RawImage.of(viaPng(binary));
    assertThat(bits.format()).isEqualTo(PixelFormat.GRAY8);
    assertThat(bits.pixels()).containsExactly((byte) 255, 0, (byte) 255);

    IndexColorModel colours = new IndexColorModel(
        8, 2, new byte[] {0, (byte) 255}, new byte[] {0, 0}, new byte[] {0, (byte) 255});
    BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, colours);
    indexed.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {0, 1});
    RawImage c = RawImage.of(viaPng(indexed));
    assertThat(c.format()).isEqualTo(PixelFormat.RGB8);
    assertThat(c.pixels()).containsExactly(0, 0, 0, (byte) 255, 0, (byte) 255);
  }

  /** ImageIO only warns on a JPEG cut short and fills the rest with grey. */
  @Test
  void shouldRefuseAJpegThatEndsEarly() throws Exception {
    BufferedImage noise = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
    Random r = new Random(3);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        noise.getRaster().setSample(x, y, 0, r.nextInt(256));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(noise, "jpg", out);
    byte[] whole = out.toByteArray();

    assertThat(read(whole).width()).isEqualTo(64);
    assertThatThrownBy(() -> read(Arrays.copyOf(whole, whole.length * 2 / 3)))
        .isInstanceOf(IIOException.class)
        .hasMessageContaining("the file ends early")
        .hasMessageContaining("premature end");
  }

  private static RawImage read(byte[] file) throws Exception {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      try {
        reader.setInput(in, true, true);
        return RawImage.read(reader);
      } finally {
        reader.dispose();
      }
    }
  }
}
