package io.vaestream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code jmh}: runs a JMH micro-benchmark (the scorer alone unless an argument names another),
 * passing JMH's own options through.
 */
@Command(
    name = "jmh",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a JMH micro-benchmark: the scorer alone (ScorerBenchmark, the default) or the localization "
          + "of a flagged image (LocalizerBenchmark, named among the arguments); -l lists them.",
      "Arguments go to JMH, e.g. './vaestream jmh -p batch=64 -rf json -rff runs/jmh.json' or "
          + "'./vaestream jmh LocalizerBenchmark'."
    })
public final class JmhCommand implements Callable<Integer> {
  @Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> all = new ArrayList<>();
    if (args.stream().noneMatch(JmhCommand::choosesBenchmarks)) {
      all.add(ScorerBenchmark.class.getSimpleName());
    }
    all.addAll(args);
    Main.main(all.toArray(new String[0]));
    return 0;
  }

  /** Whether {@code arg} names the benchmarks to run (a pattern) or asks JMH for their list. */
  private static boolean choosesBenchmarks(String arg) {
    return arg.contains("Benchmark") && !arg.startsWith("-")
        || arg.equals("-l")
        || arg.equals("-lp");
  }
}
