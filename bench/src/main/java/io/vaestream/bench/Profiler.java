package io.vaestream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import jdk.jfr.Recording;

/**
 * JFR (Java frames) and perf (native frames) over one window of a run: the window opens once and
 * closes once, however often {@link #during} is told. JFR records only its two samplers, since its
 * I/O events re-instrument JDK classes and send the JIT compiler back to work.
 */
final class Profiler {
  private final Path jfr;
  private Recording recording;
  private Optional<PerfProfile> perf = Optional.empty();
  private boolean done;
  private String nativeProfile;

  /** Records to {@code jfr}, and perf next to it ({@code detector.perf.data}); an old recording is deleted. */
  Profiler(Path jfr) throws IOException {
    this.jfr = jfr;
    Files.deleteIfExists(jfr);
  }

  /**
   * Starting JFR the first time loads classes that send compiled code back to the JIT compiler:
   * called before any measurement, so that this happens then and not in the profiled run.
   */
  static void warmUp() {
    try (Recording r = new Recording()) {
      r.enable("jdk.ExecutionSample");
      r.start();
      r.stop();
    }
  }

  /** Opens the window when {@code on} first holds, and closes it when it stops holding. */
  void during(boolean on) throws IOException, InterruptedException {
    if (on && recording == null && !done) {
      recording = new Recording();
      recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(20));
      recording.start();
      perf = PerfProfile.start(jfr.resolveSibling("detector.perf.data"));
    } else if (!on && recording != null) {
      done = true;
      if (perf.isPresent()) {
        perf.get().close();
        nativeProfile = perf.get().summarize(15);
      }
      recording.stop();
      recording.dump(jfr);
      recording.close();
      recording = null;
    }
  }

  /** perf's Markdown tables; null without perf, or when the window never opened. */
  String nativeProfile() {
    return nativeProfile;
  }

  /** JFR's Markdown tables; null when the window never opened (a run too short for a steady window). */
  String javaProfile() throws IOException {
    return Files.exists(jfr) ? JfrSummary.summarize(jfr, 15) : null;
  }
}
