package io.vaestream.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code soak}: one detector process under a steady load for a long time, watched from outside.
 * The options ({@link SoakOptions}) go to the runner ({@link SoakRunner}), whose results the
 * report writer ({@link SoakReport}) turns into Markdown and CSV. Exits 1 when an input record has
 * no committed score or more than one.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = {
      "Runs one detector process at a steady share of its maximum load and reports its memory over time.",
      "Embedded broker; the detector is a separate JVM, sampled through /metrics and /proc. Writes a",
      "Markdown report and a CSV of every sample."
    })
public final class SoakCommand implements Callable<Integer> {
  @Mixin
  SoakOptions options;

  @Override
  public Integer call() throws Exception {
    SoakResults results = new SoakRunner(options).run();
    SoakReport report = new SoakReport(options, results);
    System.out.println(report.markdown());
    Log.soak("report: %s", report.write());
    return results.exactlyOnce() ? 0 : 1;
  }
}
