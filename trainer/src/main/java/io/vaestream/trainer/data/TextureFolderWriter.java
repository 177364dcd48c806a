package io.vaestream.trainer.data;

import static io.vaestream.trainer.data.Textures.MASK_ALPHA;

import io.vaestream.trainer.data.Textures.Benchmark;
import io.vaestream.trainer.data.Textures.Defect;
import io.vaestream.trainer.data.Textures.Split;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes a {@link Benchmark} as a folder in the MVTec AD layout that anomalib reads: 8-bit RGB
 * PNGs, 8-bit grey masks of the defects, and a README that says the data set is synthetic and how
 * it was generated.
 */
final class TextureFolderWriter {
  private TextureFolderWriter() {}

  /** Writes {@code b} under {@code root}, as {@link Textures#writeFolder} describes. */
  static void write(Benchmark b, Path root) throws IOException {
    int largest = Math.max(b.train().count(), b.test().count());
    int digits = Math.max(3, String.valueOf(largest).length());
    writeSplit(b.train(), root.resolve("train"), null, digits);
    writeSplit(b.test(), root.resolve("test"), root.resolve("ground_truth"), digits);
    Files.writeString(root.resolve("README.txt"), readme(b), StandardCharsets.UTF_8);
  }

  private static void writeSplit(Split s, Path dir, Path truth, int digits) throws IOException {
    int side = s.side();
    int plane = side * side;
    float[] px = s.images();
    int[] rgb = new int[plane];
    byte[] grey = new byte[plane];
    for (int i = 0; i < s.count(); i++) {
      int label = s.labels()[i];
      String name =
          String.format(Locale.ROOT, "%0" + digits + "d", Textures.indexInClass(s.labels(), i));
      int off = i * s.imageSize();
      for (int p = 0; p < plane; p++) {
        rgb[p] = byteOf(px[off + p]) << 16
            | byteOf(px[off + plane + p]) << 8
            | byteOf(px[off + 2 * plane + p]);
      }
      BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
      img.setRGB(0, 0, side, side, rgb, 0, side);
      writePng(img, dir.resolve(Split.labelName(label)), name + ".png");
      if (label != 0 && truth != null) {
        for (int p = 0; p < plane; p++) {
          grey[p] = s.masks()[i * plane + p] != 0 ? (byte) 255 : 0;
        }
        BufferedImage m = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        m.getRaster().setDataElements(0, 0, side, side, grey);
        writePng(m, truth.resolve(Split.labelName(label)), name + "_mask.png");
      }
    }
  }

  private static void writePng(BufferedImage img, Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    if (!ImageIO.write(img, "png", dir.resolve(name).toFile())) {
      throw new IOException("no PNG writer available for " + dir.resolve(name));
    }
  }

  private static int byteOf(float v) {
    return Math.round(v * 255);
  }

  private static String readme(Benchmark b) {
    int[] perLabel = new int[Defect.values().length + 1];
    Arrays.stream(b.test().labels()).forEach(l -> perLabel[l]++);
    StringBuilder sb = new StringBuilder("""
        SYNTHETIC inspection benchmark: procedurally generated textures, not photographs.
        Generator: %s.generate(%s, %d, %d, %d, %d, %dL)
        Family: %s
        Image: %dx%d RGB, 8-bit PNG
        Seed: %d

        Layout (MVTec AD):
          train/good/              %d normal images
          test/good/               %d normal images
        """.formatted(
            Textures.class.getName(),
            b.family(),
            b.side(),
            b.train().count(),
            perLabel[0],
            perLabel[1],
            b.seed(),
            b.family().name().toLowerCase(Locale.ROOT),
            b.side(),
            b.side(),
            b.seed(),
            b.train().count(),
            perLabel[0]));
    for (Defect d : Defect.values()) {
      sb.append(String.format(
          Locale.ROOT,
          "  test/%-19s %d images, masks in ground_truth/%s/%n",
          d.folderName() + "/",
          perLabel[d.label()],
          d.folderName()));
    }
    return sb.append("""

        Masks are 8-bit grey, 255 where the defect changed the image (for soft defects, where its
        blend weight exceeds %s). The same seed gives identical files.
        """.formatted(MASK_ALPHA)).toString();
  }
}
