package io.vaestream.trainer.data;

import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ImageContractException;
import io.vaestream.schemas.RawImage;
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
 * {@code root/scratch/*.png}). Class labels follow the sorted sub-folder names; names that start
 * with a dot are skipped. Every image goes through the {@link ImageContract}: the one given, or the
 * one an {@link ImageShape} resolves from the images (their own size and channels unless the user
 * asked for others).
 */
public final class ImageFolderReader {
  private ImageFolderReader() {}

  /** Reads the images under the contract that {@code shape} and the images resolve to. */
  public static ImageDataset read(Path root, ImageShape shape) throws IOException {
    return read(root, shape, null);
  }

  /** Reads the images under {@code contract} (a model's own, when scoring with it). */
  public static ImageDataset read(Path root, ImageContract contract) throws IOException {
    return read(root, ImageShape.AUTO, contract);
  }

  /** The image files that {@link #read} reads, in its order (class folders sorted, then file names). */
  public static List<Path> files(Path root) throws IOException {
    return list(root).files();
  }

  /** The class folders' names, and every image file with the index of its class folder. */
  private record Listing(List<String> classes, List<Path> files, int[] labels) {}

  private static Listing list(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new DataFormatException(root, "is not a directory");
    }
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(root)) {
      classDirs = s.filter(p -> Files.isDirectory(p) && !isHidden(p)).sorted().toList();
    }
    if (classDirs.isEmpty()) {
      throw new DataFormatException(
          root, "has no class sub-folders (expected root/<class>/<image>.png)");
    }
    List<String> classes = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Path dir : classDirs) {
      int label = classes.size();
      classes.add(dir.getFileName().toString());
      try (Stream<Path> s = Files.list(dir)) {
        for (Path f : s.filter(ImageFolderReader::isImage).sorted().toList()) {
          files.add(f);
          labels.add(label);
        }
      }
    }
    if (files.isEmpty()) {
      throw new DataFormatException(root, "holds no .png, .jpg or .jpeg files");
    }
    return new Listing(
        classes, files, labels.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Decodes one PNG or JPEG file, naming it when it cannot be read. */
  public static RawImage decode(Path file) throws IOException {
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new DataFormatException(file, "cannot be decoded: " + e.getMessage(), e);
    }
    if (img == null) {
      throw new DataFormatException(file, "is not a PNG or JPEG image");
    }
    return RawImage.of(img);
  }

  private static ImageDataset read(Path root, ImageShape shape, ImageContract given)
      throws IOException {
    Listing listing = list(root);
    List<Path> files = listing.files();
    List<RawImage> images = new ArrayList<>();
    for (Path f : files) {
      images.add(decode(f));
    }
    ImageContract contract;
    try {
      contract = given != null
          ? given
          : shape.resolve(images, files.stream().map(Path::toString).toList());
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(root, e.getMessage(), e);
    }
    float[] pixels = new float[images.size() * contract.size()];
    for (int i = 0; i < images.size(); i++) {
      try {
        contract.toTensor(images.get(i), pixels, i * contract.size());
      } catch (ImageContractException e) {
        throw new DataFormatException(files.get(i), e.reason() + ": " + e.getMessage(), e);
      }
      images.set(i, null); // let the decoded bytes go as soon as they are tensors
    }
    return new ImageDataset(
            contract,
            pixels,
            listing.labels(),
            listing.classes(),
            root.getFileName().toString())
        .withSources(files.stream().map(f -> relative(root, f)).toList());
  }

  /** {@code file} under {@code root} as {@code class/name.png}, with '/' on every platform. */
  private static String relative(Path root, Path file) {
    List<String> parts = new ArrayList<>();
    root.relativize(file).forEach(p -> parts.add(p.toString()));
    return String.join("/", parts);
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p)
        && !isHidden(p)
        && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
  }

  /**
   * A name that starts with a dot: what notebooks, file managers and macOS leave beside the images
   * ({@code .ipynb_checkpoints/}, {@code ._a.png}), never a class or an image.
   */
  private static boolean isHidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }
}
