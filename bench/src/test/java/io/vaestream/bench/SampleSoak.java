package io.vaestream.bench;

import io.vaestream.bench.SoakResults.Sample;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;

/**
 * Hand-made results of {@code soak}: readings every {@code --sample-seconds} through the maximum
 * load, the steady phase and the end, with memory that grows a little and latency windows that are
 * sometimes empty. Nothing here measures anything.
 *
 * @param latency the histogram behind the results' latency quantiles
 */
record SampleSoak(SoakOptions options, SoakResults results, Histogram latency) {
  static final Machine MACHINE = new Machine(2, "amd64", "17.0.15");

  /** Three and a half minutes at half the maximum load: nothing lost, a graceful exit. */
  static SampleSoak clean() {
    Histogram h = new Histogram(3);
    for (int i = 0; i < 5000; i++) {
      h.recordValue(9 + i % 23 + (i % 400 == 0 ? 70 : 0));
    }
    SoakOptions o =
        options("--minutes", "3.5", "--calibration-records", "2000", "--sample-seconds", "10");
    List<Sample> samples = samples(2, 214, 10, 35);
    return new SampleSoak(
        o,
        new SoakResults(MACHINE, 2345.6, 1172.8, 248_288, 0, 0, Quantiles.of(h), 143, samples),
        h);
  }

  /** A short run at a fixed rate that lost and duplicated records and was killed. */
  static SampleSoak broken() {
    SoakOptions o =
        options("--rate", "800", "--minutes", "0.1", "--sample-seconds", "2", "--partitions", "2");
    List<Sample> samples = samples(1, 9, 2, 2);
    Histogram none = new Histogram(3);
    return new SampleSoak(
        o,
        new SoakResults(MACHINE, 1999.4, 800, 6800, 3, 1, Quantiles.of(none), 137, samples),
        none);
  }

  static SoakOptions options(String... args) {
    return CommandLine.populateCommand(new SoakOptions(), args);
  }

  /** From {@code from} to {@code to} seconds every {@code every}; until {@code maxLoad} s, the maximum load. */
  private static List<Sample> samples(double from, double to, double every, double maxLoad) {
    List<Sample> samples = new ArrayList<>();
    long scored = 0;
    for (double t = from; t <= to; t += every) {
      boolean last = t + every > to;
      String phase = t < maxLoad ? "max load" : last ? "end" : "steady";
      scored += 11_000;
      int k = samples.size();
      boolean window = !phase.equals("max load") && k % 4 != 1;
      samples.add(new Sample(
          t,
          phase,
          scored + 17,
          scored,
          61e6 + 1.7e6 * (k % 5) + 0.21e6 * k,
          134.2e6,
          52.3e6 + 0.05e6 * k,
          1.3e6,
          411.7e6 + 0.33e6 * k,
          k % 3,
          1000.0 * k,
          window ? 12 + k % 4 : Double.NaN,
          window ? 31.5 + k : Double.NaN));
    }
    return samples;
  }
}
