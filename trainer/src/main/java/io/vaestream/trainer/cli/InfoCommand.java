package io.vaestream.trainer.cli;

import io.vaestream.schemas.GoldenSamples;
import io.vaestream.schemas.ModelFiles;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.export.OnnxModelRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code info}: prints a model file's metadata and checks its golden samples. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Prints a model's metadata and re-runs its golden samples in ONNX Runtime.")
final class InfoCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "MODEL", description = "An ONNX file written by 'train' or 'export'.")
  Path model;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(model)) {
      throw new IllegalArgumentException(model + ": no such file");
    }
    byte[] bytes = Files.readAllBytes(model);
    PrintWriter o = spec.commandLine().getOut();
    try (OnnxModelRunner runner = OnnxModelRunner.open(bytes)) {
      Map<String, String> meta = new TreeMap<>(runner.metadata());
      o.printf("file:    %s (%d bytes)%n", model, bytes.length);
      o.printf("sha256:  %s%n", ModelFiles.sha256(bytes));
      o.printf(
          "input:   %s [batch, %d, %d, %d] float32 in [0, 1]%n",
          ModelFormat.INPUT,
          runner.contract().channels(),
          runner.contract().height(),
          runner.contract().width());
      o.printf("outputs: %s%n", String.join(", ", runner.outputs()));
      String golden = meta.remove(ModelFormat.GOLDEN);
      meta.forEach((k, v) -> o.printf("  %-45s %s%n", k, v));
      if (golden == null) {
        o.println("golden samples: none");
        return 1;
      }
      int failed = checkGolden(runner, GoldenSamples.fromJson(golden), o);
      return failed == 0 ? 0 : 1;
    }
  }

  /** Runs every golden sample; returns how many did not match. */
  static int checkGolden(OnnxModelRunner runner, GoldenSamples golden, PrintWriter o) {
    int count = golden.samples().size();
    Map<String, float[]> out = runner.run(
        golden.inputs(runner.contract().size()),
        count,
        List.of(ModelFormat.RECONSTRUCTION_ERROR, ModelFormat.KL, ModelFormat.SCORE));
    int failed = golden
        .mismatches(
            out.get(ModelFormat.RECONSTRUCTION_ERROR),
            out.get(ModelFormat.KL),
            out.get(ModelFormat.SCORE))
        .size();
    o.printf(
        "golden samples: %d/%d match within %.0e%n", count - failed, count, golden.tolerance());
    return failed;
  }
}
