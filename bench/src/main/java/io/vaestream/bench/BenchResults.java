package io.vaestream.bench;

import java.util.Arrays;
import java.util.List;

/**
 * What one {@code bench} run measured, section by section: {@link BenchRunner} fills it, {@link
 * BenchReport} renders it and tests check it. A section that was not run is null. Rates are
 * records (or images) per second, as measured, before any rounding for the report.
 *
 * @param coreModel the core model, described ({@link BenchModel#describe})
 */
record BenchResults(
    Machine machine,
    String coreModel,
    Core core,
    List<BatchRow> batch,
    Shadow shadow,
    List<ModelRow> models,
    List<ScalingRow> scaling) {

  /**
   * One throughput run.
   *
   * @param name the run's label in the progress log
   * @param records scores read back
   * @param seconds from the detector's start to the last score
   * @param steadyPerSecond the rate between the 10th and the 90th percentile score ({@link
   *     TrialRunner#steadyRate})
   */
  record Run(String name, int records, double seconds, double steadyPerSecond) {
    double perSecond() {
      return records / seconds;
    }
  }

  /** The same run repeated in interleaved rounds; figures are medians, with the range. */
  record Repeated(List<Run> runs) {
    double steady() {
      return median(runs.stream().mapToDouble(Run::steadyPerSecond).toArray());
    }

    double overall() {
      return median(runs.stream().mapToDouble(Run::perSecond).toArray());
    }

    double min() {
      return runs.stream().mapToDouble(Run::steadyPerSecond).min().orElse(Double.NaN);
    }

    double max() {
      return runs.stream().mapToDouble(Run::steadyPerSecond).max().orElse(Double.NaN);
    }

    /**
     * The steady rate's ratio to {@code other}'s, taken within each round: rounds share the
     * machine's slow spells, so a ratio within a round is steadier than a ratio of medians.
     */
    double[] ratiosTo(Repeated other) {
      int n = Math.min(runs.size(), other.runs().size());
      double[] r = new double[n];
      for (int i = 0; i < n; i++) {
        r[i] = runs.get(i).steadyPerSecond() / other.runs().get(i).steadyPerSecond();
      }
      return r;
    }
  }

  /**
   * The core section: throughput against the ceiling and the per-record baseline, the scorer
   * alone, the machine's compute ceiling, latency, memory and where the time goes.
   *
   * @param flaggedShare share of the sent images that the model flags (and the ceiling replays)
   * @param notPipelined the detector with inference on the stream thread
   * @param scorerBatched images/s of the scorer alone at the detector's batch size
   * @param scorerSingle images/s of the scorer alone, one image per call
   * @param gemmGflops the best float32 GEMM rate through ND4J/OpenBLAS
   * @param flopsPerImage of the core model's VAE
   * @param nativeProfile perf's Markdown tables; null without perf or without a steady window
   * @param javaProfile JFR's Markdown tables; null without a steady window
   */
  record Core(
      double flaggedShare,
      Repeated ceiling,
      Repeated detector,
      Repeated notPipelined,
      Repeated perRecord,
      double scorerBatched,
      double scorerSingle,
      double gemmGflops,
      long flopsPerImage,
      List<LatencyRow> latency,
      Memory memory,
      String nativeProfile,
      String javaProfile) {}

  /**
   * One latency run: event-to-score latency as the detector stamps it (scored_time − event_time),
   * and as a {@code read_committed} consumer sees it (arrival − event_time, which adds the wait for
   * the transaction to commit), with the stop-the-world GC pauses of this JVM in the same window.
   *
   * @param maxRate the maximum load: the steady rate under a live producer sending flat out
   * @param load the share of {@code maxRate} held
   */
  record LatencyRow(
      int commitMs,
      double maxRate,
      double load,
      Quantiles scored,
      Quantiles visible,
      GcPauses.Summary gc) {
    double rate() {
      return load * maxRate;
    }
  }

  /**
   * This JVM after the profiled run.
   *
   * @param residentSet VmRSS as /proc states it (e.g. {@code 1234 kB}); null where it cannot be read
   */
  record Memory(long heapUsedBytes, String residentSet) {}

  /** The batch section: one row per batch size. */
  record BatchRow(int batch, double scorerPerSecond, Run detector) {}

  /**
   * The shadow section: the live path with and without a shadow model.
   *
   * @param coverage per round, the share of the images the shadow model scored
   */
  record Shadow(Repeated alone, Repeated shadowed, List<Double> coverage) {
    double medianCoverage() {
      return median(coverage.stream().mapToDouble(Double::doubleValue).toArray());
    }
  }

  /** The models section: the core measurements of one model. */
  record ModelRow(
      String model,
      long flopsPerImage,
      int recordBytes,
      int records,
      Run ceiling,
      Run detector,
      Run perRecord,
      double scorerBatched,
      double scorerSingle) {}

  /** The scaling section: one layout of partitions, stream threads and instances. */
  record ScalingRow(int partitions, int threads, int instances, Run run) {}

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    if (s.length == 0) {
      return Double.NaN;
    }
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
