package io.vaestream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code jmh}: runs the JMH micro-benchmarks (the scorer alone), passing JMH's own options through. */
@Command(
    name = "jmh",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the JMH micro-benchmark of the scorer alone (ScorerBenchmark).",
      "Arguments go to JMH, e.g. './vaestream jmh -p batch=64 -rf json -rff runs/jmh.json'."
    })
public final class JmhCommand implements Callable<Integer> {
  @Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> all = new ArrayList<>(List.of(ScorerBenchmark.class.getSimpleName()));
    all.addAll(args);
    Main.main(all.toArray(new String[0]));
    return 0;
  }
}
