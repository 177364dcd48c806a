package io.vaestream.detector.lifecycle;

import java.util.Arrays;

/**
 * The last {@code capacity} events of one source (or of all of them) as the drift monitor sees
 * them: per event, the value of each distribution signal and whether it was flagged. A ring of
 * primitive arrays: adding an event allocates nothing. Used by one thread.
 */
final class DriftWindow {
  private final double[][] values;
  private final boolean[] flagged;
  private int next;
  private int size;
  private int flaggedCount;
  /** Events added since the window was made or cleared. */
  private long seen;

  DriftWindow(int signals, int capacity) {
    this.values = new double[signals][capacity];
    this.flagged = new boolean[capacity];
  }

  /** Adds one event, dropping the oldest when the window is full. */
  void add(double[] signalValues, boolean anomalous) {
    if (size == flagged.length) {
      flaggedCount -= flagged[next] ? 1 : 0;
    } else {
      size++;
    }
    for (int s = 0; s < values.length; s++) {
      values[s][next] = signalValues[s];
    }
    flagged[next] = anomalous;
    flaggedCount += anomalous ? 1 : 0;
    next = (next + 1) % flagged.length;
    seen++;
  }

  int size() {
    return size;
  }

  long seen() {
    return seen;
  }

  /** The share of flagged events in the window; NaN when it is empty. */
  double anomalyRate() {
    return size == 0 ? Double.NaN : (double) flaggedCount / size;
  }

  /** The window's values of signal {@code s}, in increasing order (a fresh array). */
  double[] sorted(int s) {
    double[] v = Arrays.copyOf(values[s], size); // the ring's order does not matter once sorted
    Arrays.sort(v);
    return v;
  }
}
