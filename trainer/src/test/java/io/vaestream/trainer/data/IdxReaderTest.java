package io.vaestream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.trainer.testing.DataFiles;
import io.vaestream.trainer.testing.SyntheticImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir
  Path dir;

  @Test
  void shouldReadGzippedImagesWithTheirLabels() throws Exception {
    var data = SyntheticImages.squaresAndRings(10, 3);
    Path[] files = DataFiles.writeIdx(dir, "train", data);
    ImageDataset read = IdxReader.read(files[0], files[1], List.of());
    assertThat(read.size()).isEqualTo(10);
    assertThat(read.label(1)).isEqualTo(1);
    assertThat(read.contract().width()).isEqualTo(28);
    assertThat(read.pixels()[100])
        .isCloseTo(data.pixels()[100], org.assertj.core.data.Offset.offset(1 / 255f));
  }

  @Test
  void shouldReadUncompressedFilesAndFindLabelsBesideThem() throws Exception {
    byte[] header = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28};
    byte[] body = new byte[784];
    body[0] = (byte) 255;
    Path f = dir.resolve("x-images-idx3-ubyte");
    Files.write(f, concat(header, body));
    Files.write(dir.resolve("x-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 7});
    ImageDataset d = DataSources.open(f.toString());
    assertThat(d.size()).isEqualTo(1);
    assertThat(d.label(0)).isEqualTo(7);
    assertThat(d.pixels()[0]).isEqualTo(1f);
  }

  @Test
  void shouldNameTheFileOfAnEmptyInput() throws Exception {
    Path f = dir.resolve("empty-images-idx3-ubyte");
    Files.write(f, new byte[0]);
    assertThatThrownBy(() -> IdxReader.read(f, null, List.of()))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("empty");
  }

  @Test
  void shouldRejectAWrongMagicNumber() throws Exception {
    Path f = dir.resolve("bad-images-idx3-ubyte");
    Files.write(f, new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
    assertThatThrownBy(() -> IdxReader.read(f, null, List.of()))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("magic 0x00000801 is not an IDX image file");
  }

  @Test
  void shouldReportATruncatedBody() throws Exception {
    Path f = dir.resolve("short-images-idx3-ubyte.gz");
    DataFiles.writeGzip(
        f, concat(new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28}, new byte[800]));
    assertThatThrownBy(() -> IdxReader.read(f, null, List.of()))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("truncated: expected 1568 bytes of pixels");
  }

  @Test
  void shouldRejectAbsurdDimensions() throws Exception {
    Path f = dir.resolve("huge-images-idx3-ubyte");
    Files.write(f, new byte[] {0, 0, 8, 3, 0x7f, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x10, 0});
    assertThatThrownBy(() -> IdxReader.read(f, null, List.of()))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("declares 35747322042253312 pixels");
  }

  @Test
  void shouldRejectLabelsThatDoNotMatchTheImages() throws Exception {
    Path[] files = DataFiles.writeIdx(dir, "a", SyntheticImages.squaresAndRings(4, 1));
    Path[] other = DataFiles.writeIdx(dir, "b", SyntheticImages.squaresAndRings(3, 1));
    assertThatThrownBy(() -> IdxReader.read(files[0], other[1], List.of()))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("holds 3 labels but");
  }

  @Test
  void shouldReportCorruptGzip() throws Exception {
    Path f = dir.resolve("corrupt-images-idx3-ubyte.gz");
    Files.write(f, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5});
    assertThatThrownBy(() -> IdxReader.read(f, null, List.of()))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining(f.toString());
  }

  @Test
  void shouldNameAMissingFile() {
    Path f = dir.resolve("missing-images-idx3-ubyte");
    assertThatThrownBy(() -> IdxReader.read(f, null, List.of()))
        .hasMessageContaining("no such file");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
