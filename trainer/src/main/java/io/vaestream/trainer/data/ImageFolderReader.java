package io.vaestream.trainer.data;

import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ImageContractException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads a directory of PNG or JPEG files with one sub-folder per class ({@code root/ok/*.png},
 * {@code root/scratch/*.png}). Class labels follow the sorted sub-folder names. Every image must
 * already match the contract's size: nothing is resized.
 */
public final class ImageFolderReader {
  private ImageFolderReader() {}

  public static ImageDataset read(Path root, ImageContract contract) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new DataFormatException(root, "is not a directory");
    }
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(root)) {
      classDirs = s.filter(Files::isDirectory).sorted().toList();
    }
    if (classDirs.isEmpty()) {
      throw new DataFormatException(root, "has no class sub-folders (expected root/<class>/<image>.png)");
    }
    List<String> names = new ArrayList<>();
    List<float[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Path dir : classDirs) {
      int label = names.size();
      names.add(dir.getFileName().toString());
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(ImageFolderReader::isImage).sorted().toList();
      }
      for (Path f : files) {
        images.add(decode(f, contract));
        labels.add(label);
      }
    }
    if (images.isEmpty()) {
      throw new DataFormatException(root, "holds no .png, .jpg or .jpeg files");
    }
    float[] pixels = new float[images.size() * contract.size()];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i), 0, pixels, i * contract.size(), contract.size());
    }
    return new ImageDataset(
        contract,
        pixels,
        labels.stream().mapToInt(Integer::intValue).toArray(),
        names,
        root.getFileName().toString());
  }

  private static float[] decode(Path file, ImageContract contract) throws IOException {
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new DataFormatException(file, "cannot be decoded: " + e.getMessage(), e);
    }
    if (img == null) {
      throw new DataFormatException(file, "is not a PNG or JPEG image");
    }
    try {
      return contract.toTensor(img);
    } catch (ImageContractException e) {
      throw new DataFormatException(file, e.reason() + ": " + e.getMessage(), e);
    }
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p) && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
  }
}
