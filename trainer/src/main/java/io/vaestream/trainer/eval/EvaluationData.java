package io.vaestream.trainer.eval;

import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.ImageShape;
import io.vaestream.trainer.data.PixelCopies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The training and test images of an evaluation, never the same images. When both come from one
 * source (one folder, one IDX file, or the same name twice), or every test image is also a
 * training image, the images are split by a seeded, stratified hold-out; test images that are
 * also training images are left out. {@link #split()} says which for the report.
 *
 * @param name the data set's own name, for reports and model names
 * @param trainSpec what the training images are, as recorded in each model's provenance
 * @param split how training and test images were kept apart, in words
 */
public record EvaluationData(
    String name, String trainSpec, ImageDataset train, ImageDataset test, String split) {

  public static EvaluationData open(
      String trainSpec, String testSpec, double testFraction, long seed) throws IOException {
    return open(trainSpec, testSpec, ImageShape.AUTO, testFraction, seed);
  }

  /**
   * As above, with the training images under the contract {@code shape} resolves to, and the test
   * images under it too.
   */
  public static EvaluationData open(
      String trainSpec, String testSpec, ImageShape shape, double testFraction, long seed)
      throws IOException {
    ImageDataset train = DataSources.open(trainSpec, shape);
    String name = name(trainSpec);
    if (!sameSource(trainSpec, testSpec)) {
      // class numbers by the training data's names: each folder numbers its own
      ImageDataset test = DataSources.open(testSpec, train.contract()).numberedLike(train);
      ImageDataset unseen = PixelCopies.without(test, train);
      if (!unseen.isEmpty()) {
        String split = "Training images from " + train.description() + ", test images from "
            + test.description() + ".";
        if (unseen.size() < test.size()) {
          // a test folder that holds copies of training images
          split += String.format(
              Locale.ROOT,
              " %d of the %d test images are training images too, pixel for pixel, and were left "
                  + "out of the test set.",
              test.size() - unseen.size(),
              test.size());
        }
        return new EvaluationData(name, trainSpec, train, unseen, split);
      }
    }
    ImageDataset[] parts = train.stratifiedSplit(
        testFraction,
        seed ^ 0x7e57L,
        train.description() + " (test part)",
        train.description() + " (training part)");
    String split = String.format(
        Locale.ROOT,
        "Training and test images both come from %s, so %.0f%% of each "
            + "class (%d images) were kept apart for testing by a stratified split with seed %d, and never trained on; "
            + "%d images remain for training.",
        train.description(),
        100 * testFraction,
        parts[0].size(),
        seed ^ 0x7e57L,
        parts[1].size());
    return new EvaluationData(name, trainSpec + " (training part)", parts[1], parts[0], split);
  }

  /** Whether two specs name the same images before anything is read. */
  static boolean sameSource(String a, String b) {
    String x = canonical(a);
    String y = canonical(b);
    return x.equals(y);
  }

  private static String canonical(String spec) {
    String s = spec.trim();
    if (s.equalsIgnoreCase("fashion-mnist")) {
      return "fashion-mnist:train";
    }
    Path p = Path.of(s);
    if (Files.exists(p)) {
      try {
        return p.toRealPath().toString();
      } catch (IOException e) {
        return p.toAbsolutePath().normalize().toString();
      }
    }
    return s.toLowerCase(Locale.ROOT);
  }

  /** {@code fashion-mnist} for both Fashion-MNIST splits, else the spec's last path element. */
  static String name(String spec) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("fashion-mnist")) {
      return "fashion-mnist";
    }
    Path p = Path.of(spec.trim()).getFileName();
    String n = p == null ? spec.trim() : p.toString();
    return n.replaceAll("(-images)?-idx3-ubyte(\\.gz)?$", "").replaceAll("\\.(tgz|tar\\.gz)$", "");
  }
}
