package io.vaestream.bench;

import java.util.List;

/**
 * What one {@code soak} measured: {@link SoakRunner} fills it, {@link SoakReport} renders it and
 * tests check it.
 *
 * @param maxRate images/s the detector scored a preloaded backlog at, after its first fifth
 * @param steadyRate images/s the producer held in the steady phase
 * @param expected input records sent in all (backlog and steady phase)
 * @param lost input records without a committed score
 * @param duplicates committed scores of an input record that already had one
 * @param latency event-to-score latency over the whole steady phase ({@code count} 0: none measured)
 * @param exit the detector's exit code on SIGTERM (143: ended by the signal, gracefully)
 * @param samples every reading of the detector process, in order
 */
record SoakResults(
    Machine machine,
    double maxRate,
    double steadyRate,
    long expected,
    long lost,
    long duplicates,
    Quantiles latency,
    int exit,
    List<Sample> samples) {

  /**
   * One reading of the detector process. Memory in bytes; latency in ms over the readings' window
   * (NaN when the window had no scores, or in the phase that measures the maximum load).
   *
   * @param phase {@code max load}, {@code steady} or {@code end}
   */
  record Sample(
      double seconds,
      String phase,
      long sent,
      long scored,
      double heapUsed,
      double heapCommitted,
      double nonHeap,
      double direct,
      double rss,
      double onnxOpen,
      double onnxAllocated,
      double p50,
      double p99) {

    /** Resident memory that is not the Java heap: metaspace, code, threads, direct buffers, ONNX Runtime. */
    double outsideHeap() {
      return rss - heapCommitted;
    }

    /**
     * The readings taken at every sample, in the CSV's column order: heap used and committed,
     * non-heap, direct, RSS, outside the heap, ONNX Runtime objects open and allocated.
     */
    double[] readings() {
      return new double[] {
        heapUsed, heapCommitted, nonHeap, direct, rss, outsideHeap(), onnxOpen, onnxAllocated
      };
    }
  }

  /** Every input record has exactly one committed score. */
  boolean exactlyOnce() {
    return lost == 0 && duplicates == 0;
  }
}
