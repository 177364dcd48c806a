package io.vaestream.trainer.cli;

import io.vaestream.trainer.data.Textures;
import io.vaestream.trainer.data.Textures.Family;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code textures}: writes the synthetic colour inspection benchmark in the MVTec AD layout. */
@Command(
    name = "textures",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a synthetic colour inspection data set: textured surfaces (normal) and surfaces with scratches, "
          + "spots, stains, pasted patches and holes, each with its pixel mask.",
      "Layout of MVTec AD: OUT/train/good, OUT/test/<kind>, OUT/ground_truth/<kind>/<name>_mask.png. The same seed "
          + "always writes the same images."
    })
final class TexturesCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--out", required = true, description = "Directory to write.")
  Path out;

  @Option(
      names = "--family",
      defaultValue = "fabric",
      description = "Surface: fabric, wood or metal (default: ${DEFAULT-VALUE}).")
  String family;

  @Option(
      names = "--side",
      defaultValue = "128",
      description = "Image width and height (default: ${DEFAULT-VALUE}).")
  int side;

  @Option(
      names = "--train",
      defaultValue = "1000",
      description = "Normal training images (default: ${DEFAULT-VALUE}).")
  int train;

  @Option(
      names = "--test-good",
      defaultValue = "100",
      description = "Normal test images (default: ${DEFAULT-VALUE}).")
  int testGood;

  @Option(
      names = "--test-per-defect",
      defaultValue = "40",
      description = "Test images of each defect kind (default: ${DEFAULT-VALUE}).")
  int testPerDefect;

  @Option(names = "--seed", defaultValue = "7", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    Family f;
    try {
      f = Family.valueOf(family.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "family=" + family + " is invalid: use fabric, wood or metal", e);
    }
    long t0 = System.nanoTime();
    Textures.Benchmark b = Textures.generate(f, side, train, testGood, testPerDefect, seed);
    Textures.writeFolder(b, out);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "wrote %d training and %d test images of %s, %dx%d RGB, seed %d, to %s in %.1f s%n",
        b.train().count(),
        b.test().count(),
        f.name().toLowerCase(Locale.ROOT),
        side,
        side,
        seed,
        out,
        (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
