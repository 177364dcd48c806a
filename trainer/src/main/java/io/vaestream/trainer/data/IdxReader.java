package io.vaestream.trainer.data;

import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.ImageContract;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST: big-endian magic {@code 0x00000801} for labels
 * and {@code 0x00000803} for unsigned-byte images, gzipped or not (told by the gzip magic bytes,
 * not by the file name).
 */
public final class IdxReader {
  private static final int LABELS_MAGIC = 0x00000801;
  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int MAX_SIDE = 4096;

  private IdxReader() {}

  /** Reads an images file and, when given, its labels file into one data set. */
  public static ImageDataset read(Path imagesFile, Path labelsFile, List<String> classNames)
      throws IOException {
    Images images = readImages(imagesFile);
    int[] labels;
    if (labelsFile != null) {
      labels = readLabels(labelsFile);
      if (labels.length != images.count) {
        throw new DataFormatException(
            labelsFile,
            "holds " + labels.length + " labels but " + imagesFile + " holds " + images.count
                + " images");
      }
    } else {
      labels = new int[images.count];
      Arrays.fill(labels, ImageDataset.NO_LABEL);
    }
    ImageContract contract = new ImageContract(images.width, images.height, 1);
    float[] pixels = new float[images.bytes.length];
    int n = contract.size();
    for (int i = 0; i < images.count; i++) {
      byte[] one = Arrays.copyOfRange(images.bytes, i * n, (i + 1) * n);
      contract.toTensor(PixelFormat.GRAY8, images.width, images.height, one, pixels, i * n);
    }
    return new ImageDataset(
        contract, pixels, labels, classNames, imagesFile.getFileName().toString());
  }

  /** Reads an IDX label file (magic 0x801). */
  public static int[] readLabels(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      header(in, file, LABELS_MAGIC, "label");
      int count = in.readInt();
      if (count < 0) {
        throw new DataFormatException(file, "negative label count " + count);
      }
      byte[] raw = readFully(in, file, count, "labels");
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = raw[i] & 0xFF;
      }
      return labels;
    }
  }

  record Images(int count, int height, int width, byte[] bytes) {}

  static Images readImages(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      header(in, file, IMAGES_MAGIC, "image");
      int count = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (count < 0 || rows < 1 || cols < 1 || rows > MAX_SIDE || cols > MAX_SIDE) {
        throw new DataFormatException(file, "bad dimensions " + count + "x" + rows + "x" + cols);
      }
      long total = (long) count * rows * cols;
      if (total > Integer.MAX_VALUE - 8) {
        throw new DataFormatException(
            file, "declares " + total + " pixels, more than one array holds");
      }
      return new Images(count, rows, cols, readFully(in, file, (int) total, "pixels"));
    }
  }

  /** Reads the magic number and refuses a file of another kind, naming both numbers. */
  private static void header(DataInputStream in, Path file, int expected, String kind)
      throws IOException {
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      throw new DataFormatException(file, "is empty or shorter than an IDX header", e);
    } catch (ZipException e) {
      throw new DataFormatException(file, "corrupt gzip data: " + e.getMessage(), e);
    }
    if (magic != expected) {
      throw new DataFormatException(
          file,
          String.format("magic 0x%08X is not an IDX %s file (0x%08X)", magic, kind, expected));
    }
  }

  private static byte[] readFully(DataInputStream in, Path file, int n, String what)
      throws IOException {
    byte[] out = new byte[n];
    try {
      in.readFully(out);
    } catch (EOFException e) {
      throw new DataFormatException(file, "truncated: expected " + n + " bytes of " + what, e);
    } catch (ZipException e) {
      throw new DataFormatException(file, "corrupt gzip data: " + e.getMessage(), e);
    }
    return out;
  }

  private static DataInputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new DataFormatException(file, "no such file");
    }
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    InputStream in = raw;
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        in = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
      } catch (IOException e) {
        raw.close();
        throw new DataFormatException(file, "is not valid gzip: " + e.getMessage(), e);
      }
    }
    return new DataInputStream(in);
  }
}
