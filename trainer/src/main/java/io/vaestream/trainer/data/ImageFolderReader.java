package io.vaestream.trainer.data;

import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ImageContractException;
import io.vaestream.schemas.RawImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads a directory of PNG or JPEG files with one sub-folder per class ({@code root/ok/*.png},
 * {@code root/scratch/*.png}). Class labels follow the sorted sub-folder names; names that start
 * with a dot are skipped. Every image goes through the {@link ImageContract}: the one given, or the
 * one an {@link ImageShape} resolves from the images (their own size and channels unless the user
 * asked for others).
 */
public final class ImageFolderReader {
  /** Decoded bytes kept between the pass that sizes a folder and the one that makes its tensors. */
  static final long KEPT_BYTES = 512L << 20;

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

  /**
   * Decodes one PNG or JPEG file, naming it when it cannot be read. Its size is read from its header
   * and checked first, as the detector does, so that a file that declares a huge image costs
   * nothing.
   */
  public static RawImage decode(Path file) throws IOException {
    if (!Files.isReadable(file)) {
      // ImageIO returns no stream for it, which read as "not a PNG or JPEG image"
      throw new DataFormatException(file, "cannot be read: permission denied");
    }
    RawImage img;
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      img = RawImage.decode(in, (w, h) -> {
        if (!ImageContract.withinSourceLimits(w, h)) {
          throw new DataFormatException(
              file,
              "is " + w + "x" + h + ": images are read up to " + ImageContract.MAX_SIDE
                  + " pixels a side and " + ImageContract.MAX_SOURCE_PIXELS + " pixels");
        }
      });
    } catch (DataFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new DataFormatException(file, "cannot be decoded: " + e.getMessage(), e);
    }
    if (img == null) {
      throw new DataFormatException(file, "is not a PNG or JPEG image");
    }
    return img;
  }

  private static ImageDataset read(Path root, ImageShape shape, ImageContract given)
      throws IOException {
    return read(root, shape, given, KEPT_BYTES);
  }

  /** As {@link #read(Path, ImageShape)}, keeping at most {@code keptBytes} of decoded images. */
  static ImageDataset read(Path root, ImageShape shape, ImageContract given, long keptBytes)
      throws IOException {
    Listing listing = list(root);
    List<Path> files = listing.files();
    // Decoded images are kept for the tensors only up to KEPT_BYTES; past it (camera frames of
    // megapixels) each is decoded again when its turn comes, so that memory holds tensors, not
    // every frame at full size. A given contract needs no first pass at all.
    List<RawImage> images = new ArrayList<>();
    ImageContract contract = given;
    if (contract == null) {
      List<RawImage> shapes = new ArrayList<>();
      long kept = 0;
      for (Path f : files) {
        RawImage img = decode(f);
        shapes.add(new RawImage(img.format(), img.width(), img.height(), new byte[0]));
        kept += img.pixels().length;
        images.add(kept <= keptBytes ? img : null);
      }
      try {
        contract = shape.resolve(shapes, files.stream().map(Path::toString).toList());
      } catch (IllegalArgumentException e) {
        throw new DataFormatException(root, e.getMessage(), e);
      }
    }
    float[] pixels = new float[ImageDataset.tensorFloats(root.toString(), files.size(), contract)];
    for (int i = 0; i < files.size(); i++) {
      RawImage img =
          i < images.size() && images.get(i) != null ? images.get(i) : decode(files.get(i));
      try {
        contract.toTensor(img, pixels, i * contract.size());
      } catch (ImageContractException e) {
        throw new DataFormatException(files.get(i), e.reason() + ": " + e.getMessage(), e);
      }
      if (i < images.size()) {
        images.set(i, null); // let the decoded bytes go as soon as they are tensors
      }
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
