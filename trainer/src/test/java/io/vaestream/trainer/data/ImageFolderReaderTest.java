package io.vaestream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.schemas.ImageContract;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
  @TempDir
  Path dir;

  @Test
  void shouldLabelImagesByTheirSortedFolder() throws Exception {
    png(dir.resolve("good/a.png"), 28, 0);
    png(dir.resolve("good/b.png"), 28, 255);
    png(dir.resolve("scratch/c.png"), 28, 128);
    ImageDataset d = ImageFolderReader.read(dir, ImageContract.GRAY_28);
    assertThat(d.size()).isEqualTo(3);
    assertThat(d.labels()).containsExactly(0, 0, 1);
    assertThat(d.classNames()).containsExactly("good", "scratch");
    assertThat(d.pixels()[784]).isEqualTo(1f);
    // Each image knows its file, through a shuffle and a split as well.
    assertThat(d.source(2)).isEqualTo("scratch/c.png");
    ImageDataset shuffled = d.shuffled(3);
    for (int i = 0; i < shuffled.size(); i++) {
      assertThat(shuffled.source(i)).startsWith(shuffled.label(i) == 0 ? "good/" : "scratch/");
    }
    ImageDataset[] halves = d.split(0.5, 1);
    ImageDataset joined = halves[0].concat(halves[1], "again");
    assertThat(IntStream.range(0, joined.size()).mapToObj(joined::source))
        .containsExactlyInAnyOrder("good/a.png", "good/b.png", "scratch/c.png");
    // Joined with images that do not know their files, none does; a wrong count is refused.
    ImageDataset unnamed =
        new ImageDataset(d.contract(), d.pixels(), d.labels(), d.classNames(), "unnamed");
    assertThat(d.concat(unnamed, "mixed").source(0)).isNull();
    assertThatThrownBy(() -> d.withSources(List.of("one.png")))
        .hasMessageContaining("1 sources for 3 images");
  }

  @Test
  void shouldNameAnImageOfTheWrongSize() throws Exception {
    Path f = dir.resolve("ok/big.png");
    png(f, 32, 0);
    assertThatThrownBy(() -> ImageFolderReader.read(dir, ImageContract.GRAY_28))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("big.png")
        .hasMessageContaining("WRONG_DIMENSIONS");
  }

  @Test
  void shouldNameAFileThatIsNotAnImage() throws Exception {
    Files.createDirectories(dir.resolve("ok"));
    Files.writeString(dir.resolve("ok/fake.png"), "not a png");
    assertThatThrownBy(() -> ImageFolderReader.read(dir, ImageContract.GRAY_28))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("fake.png");
  }

  @Test
  void shouldRejectAFolderWithoutClassFolders() {
    assertThatThrownBy(() -> ImageFolderReader.read(dir, ImageContract.GRAY_28))
        .hasMessageContaining("has no class sub-folders");
  }

  @Test
  void shouldRejectClassFoldersWithoutImages() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> ImageFolderReader.read(dir, ImageContract.GRAY_28))
        .hasMessageContaining("holds no .png");
  }

  private static void png(Path file, int side, int value) throws Exception {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        img.getRaster().setSample(x, y, 0, value);
      }
    }
    ImageIO.write(img, "png", file.toFile());
  }

  /**
   * A colour folder with a grey file in it (PNG writers store grey-looking frames as grey), and the
   * litter of notebooks and file managers: hidden folders once became class 0 and shifted every
   * class number, and a hidden {@code ._a.png} failed the whole read.
   */
  @Test
  void shouldReadGreyFilesInAColourFolderAndSkipHiddenEntries() throws Exception {
    rgb(dir.resolve("good/a.png"), 28, 28, 0xFF8000);
    png(dir.resolve("good/b.png"), 28, 51);
    Files.createDirectories(dir.resolve(".ipynb_checkpoints"));
    png(dir.resolve(".ipynb_checkpoints/c.png"), 28, 0);
    Files.write(dir.resolve("good/._a.png"), new byte[] {0, 5, 22, 7}); // AppleDouble, not a PNG

    ImageDataset d = ImageFolderReader.read(dir, ImageShape.AUTO);

    assertThat(d.classNames()).containsExactly("good");
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.contract().channels()).isEqualTo(3);
    float[] grey = d.image(1);
    assertThat(new float[] {grey[0], grey[784], grey[2 * 784]}).containsOnly(0.2f);
  }

  /** Past the bytes it keeps, a folder's images are decoded again for their tensors: the same ones. */
  @Test
  void shouldMakeTheSameTensorsWhenItKeepsNoDecodedImage() throws Exception {
    rgb(dir.resolve("good/a.png"), 48, 32, 0xFF8000);
    rgb(dir.resolve("good/b.png"), 48, 32, 0x333333);
    rgb(dir.resolve("hole/c.jpg"), 48, 32, 0x0080FF);
    ImageDataset kept = ImageFolderReader.read(dir, ImageShape.AUTO);
    ImageDataset again = ImageFolderReader.read(dir, ImageShape.AUTO, null, 0);
    assertThat(again.contract()).isEqualTo(kept.contract());
    assertThat(again.pixels()).containsExactly(kept.pixels());
    assertThat(again.labels()).containsExactly(kept.labels());
  }

  /** Its header's size is checked before any pixel is decoded, as the detector does. */
  @Test
  void shouldNameAnImageTooLargeFromItsHeader() throws Exception {
    png(dir.resolve("good/a.png"), 28, 0);
    BufferedImage wide = new BufferedImage(5000, 1, BufferedImage.TYPE_BYTE_GRAY);
    ImageIO.write(wide, "png", dir.resolve("good/wide.png").toFile());
    assertThatThrownBy(() -> ImageFolderReader.read(dir, ImageShape.AUTO))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("wide.png: is 5000x1: images are read up to 4096 pixels a side");
  }

  @Test
  void shouldTakeTheSizeAndColourOfTheImagesThemselves() throws Exception {
    rgb(dir.resolve("good/a.png"), 48, 32, 0xFF8000);
    rgb(dir.resolve("good/b.jpg"), 48, 32, 0x0080FF);
    ImageDataset d = ImageFolderReader.read(dir, ImageShape.AUTO);
    assertThat(d.contract()).isEqualTo(new ImageContract(48, 32, 3));
    assertThat(d.pixels()[0]).isEqualTo(1f); // red plane of the orange PNG
  }

  @Test
  void shouldNameTheImageOfAnotherSizeUnlessAResizeIsAskedFor() throws Exception {
    rgb(dir.resolve("good/a.png"), 48, 32, 0x808080);
    rgb(dir.resolve("good/b.png"), 64, 64, 0x808080);
    assertThatThrownBy(() -> ImageFolderReader.read(dir, ImageShape.AUTO))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("b.png is 64x64")
        .hasMessageContaining("--image-size");
    ImageDataset d = ImageFolderReader.read(dir, ImageShape.parse("32", 0, "crop"));
    assertThat(d.contract()).isEqualTo(new ImageContract(32, 32, 3, ImageContract.Resize.CROP));
    assertThat(d.pixels()).containsOnly(128 / 255f);
  }

  private static void rgb(Path file, int w, int h, int colour) throws Exception {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, colour);
      }
    }
    String name = file.getFileName().toString();
    ImageIO.write(img, name.endsWith(".png") ? "png" : "jpg", file.toFile());
  }
}
