package io.vaestream.bench;

import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: the detector against its ceiling and a per-record baseline, on one broker. The
 * options ({@link BenchOptions}) go to the runner ({@link BenchRunner}), whose results the report
 * writer ({@link BenchReport}) turns into Markdown.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks the detector against its ceiling and a per-record baseline.",
      "Runs on an embedded broker with one set of records and one processing guarantee. Sections:",
      "  core     (a) the ceiling (same graph and serdes, no inference), (b) the detector, (c) one inference",
      "           call per record, (d) the scorer alone, (e) the machine's matrix-multiply rate; latency at",
      "           25/50/90% of the detector's maximum load, a JFR profile, memory;",
      "  models   (a)-(d) for the MLP at 28x28 (float and int8), 64x64 and 128x128 and the convolutional VAE;",
      "  scaling  throughput against partitions x stream threads x instances;",
      "  batch    the scorer alone and the detector against the batch size;",
      "  shadow   the detector with a shadow model against without (not run unless asked for).",
      "Writes a Markdown report."
    })
public final class BenchCommand implements Callable<Integer> {
  @Mixin
  BenchOptions options;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (options.flaggedShare != null && !(options.flaggedShare > 0 && options.flaggedShare < 1)) {
      throw new ParameterException(
          spec.commandLine(),
          "--flagged-share must be above 0 and below 1, not " + options.flaggedShare);
    }
    // Before the long run, so that an unwritable --out fails at once.
    Files.createDirectories(options.out.toAbsolutePath().getParent());
    BenchResults results = new BenchRunner(options).run();
    System.out.println("report: " + new BenchReport(options, results).write());
    return 0;
  }
}
