package io.vaestream.tools;

import io.vaestream.events.AnomalyScore;
import java.util.List;
import java.util.Locale;

/** The summary the demo ends with, on standard output: one labelled line a figure. */
final class DemoConsole {
  private final DemoStream.Result result;

  /** Prints the heading and the scores' own lines. */
  DemoConsole(String title, int events, DemoStream.Result result) {
    this.result = result;
    ScoreSummary summary = result.summary();
    System.out.printf(Locale.ROOT, "%n=== vaestream demo: %s ===%n", title);
    line(
        "events scored",
        String.format(
            Locale.ROOT,
            "%d of %d (%d anomalous by label)",
            summary.count(),
            events,
            result.all().stream()
                .map(AnomalyScore::getAnomalous)
                .filter(Boolean.TRUE::equals)
                .count()));
    line("flagged", Long.toString(summary.flagged()));
    line(
        "precision, recall",
        String.format(
            Locale.ROOT,
            "%.3f, %.3f   (AUROC %.4f)",
            summary.precision(),
            summary.recall(),
            summary.aurocValue()));
  }

  /** How many flagged defective images have a box on their defect; nothing when null. */
  void localized(DemoReport.Boxed boxed) {
    if (boxed != null) {
      line(
          "localized",
          String.format(
              Locale.ROOT,
              "%d of %d flagged defective images have a box on the defect",
              boxed.onDefect(),
              boxed.defective()));
    }
  }

  /** Throughput and latency; {@code how} says how the stream was sent. */
  void speed(String how) {
    double rate = result.steadyRate();
    line("throughput", String.format(Locale.ROOT, "%.0f events/s %s", rate, how));
    line(
        "latency",
        String.format(
            Locale.ROOT,
            "p50 %.0f ms, p99 %.0f ms event to score; p50 %.0f ms, p99 %.0f ms until your "
                + "read_committed consumer sees it (at %.0f events/s)",
            result.summary().latency(0.5),
            result.summary().latency(0.99),
            result.visible(0.5),
            result.visible(0.99),
            rate));
  }

  /** What the detector's drift monitor said of the stream. */
  void drift(boolean profiled, List<String> drifted, String driftTopic) {
    line(
        "drift",
        !profiled
            ? "not watched: the model carries no calibration profile (train it again to get one)"
            : drifted.isEmpty()
                ? "none"
                : String.join(", ", drifted)
                    + " left the model's calibration (the stream mixes other classes into the "
                    + "normal one, as a stream with defects does); events on "
                    + driftTopic);
  }

  /** One line of the summary: its label in a column of 19 characters, then the value. */
  void line(String label, String value) {
    System.out.printf(Locale.ROOT, "%-19s%s%n", label, value);
  }
}
