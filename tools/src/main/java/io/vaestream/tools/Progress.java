package io.vaestream.tools;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on standard error: on a terminal, a one-line bar redrawn at most ten times a second;
 * elsewhere (a container's log, a CI job), a plain line every ten seconds, so that logs stay
 * readable instead of holding one line of carriage returns.
 */
final class Progress {
  private static final int WIDTH = 30;
  private final String label;
  private final long total;
  private final long started = System.nanoTime();
  private final PrintStream out = System.err;
  private final boolean terminal = System.console() != null;
  private final long redrawNanos = terminal ? 100_000_000L : 10_000_000_000L;
  private long lastDraw = started;

  Progress(String label, long total) {
    this.label = label;
    this.total = total;
  }

  void update(long done) {
    long now = System.nanoTime();
    if (now - lastDraw < redrawNanos && done < total) {
      return;
    }
    lastDraw = now;
    double frac = total == 0 ? 1 : (double) done / total;
    double rate = done / Math.max(1e-9, (now - started) / 1e9);
    if (terminal) {
      int bars = (int) (frac * WIDTH);
      out.printf(
          Locale.ROOT,
          "\r%s [%s%s] %d/%d  %.0f/s ",
          label,
          "#".repeat(bars),
          " ".repeat(WIDTH - bars),
          done,
          total,
          rate);
      out.flush();
    } else {
      out.printf(Locale.ROOT, "%s: %d/%d (%.0f%%), %.0f/s%n", label, done, total, 100 * frac, rate);
    }
  }

  void done() {
    if (terminal) {
      out.println();
    }
  }
}
