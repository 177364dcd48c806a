package io.vaestream.tools;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on standard error, redrawn at most ten times a second. */
final class Progress {
  private static final int WIDTH = 30;
  private final String label;
  private final long total;
  private final long started = System.nanoTime();
  private final PrintStream out = System.err;
  private long lastDraw;

  Progress(String label, long total) {
    this.label = label;
    this.total = total;
  }

  void update(long done) {
    long now = System.nanoTime();
    if (now - lastDraw < 100_000_000L && done < total) {
      return;
    }
    lastDraw = now;
    double frac = total == 0 ? 1 : (double) done / total;
    int bars = (int) (frac * WIDTH);
    double rate = done / Math.max(1e-9, (now - started) / 1e9);
    out.printf(Locale.ROOT, "\r%s [%s%s] %d/%d  %.0f/s ", label, "#".repeat(bars), " ".repeat(WIDTH - bars), done,
        total, rate);
    out.flush();
  }

  void done() {
    out.println();
  }
}
