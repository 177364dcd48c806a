package io.vaestream.detector.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.topology.ScoredBatch;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.CalibrationProfile;
import io.vaestream.schemas.ImageContract;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The drift monitor on constructed traffic: 2×2 images whose mean intensity and contrast are drawn
 * as the calibration's were, or shifted; the monitor's work runs on the calling thread.
 */
class DriftMonitorTest {
  private static final ImageContract TINY = new ImageContract(2, 2, 1);
  private static final DriftMonitor.Settings DEFAULTS =
      new DriftMonitor.Settings(1000, 500, 0.25, 0.001, 5);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<DriftEvent> events = new ArrayList<>();
  private final AtomicReference<Scorer> model =
      new AtomicReference<>(new Model("m", "1", 0.01, calibration()));
  private final SplittableRandom random = new SplittableRandom(11);
  /** Events in each batch {@link #send} hands the monitor. */
  private static final int BATCH = 50;
  /** Batches handed to the monitor's worker. */
  private final AtomicInteger handOffs = new AtomicInteger();

  /** One event: score ~ N(0, 1), mean intensity ~ U(0.3, 0.5) + shift, contrast ~ U(0.05, 0.15). */
  private record Event(double score, double mean, double contrast, boolean flagged) {}

  private static Event draw(SplittableRandom random, double meanShift, double flaggedShare) {
    double score = Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
    return new Event(
        score,
        0.3 + 0.2 * random.nextDouble() + meanShift,
        0.05 + 0.1 * random.nextDouble(),
        random.nextDouble() < flaggedShare);
  }

  /** 2,000 held-out normals of the unshifted traffic. */
  private static CalibrationProfile calibration() {
    SplittableRandom random = new SplittableRandom(3);
    double[][] v = new double[3][2000];
    for (int i = 0; i < 2000; i++) {
      Event e = draw(random, 0, 0);
      v[0][i] = e.score();
      v[1][i] = e.mean();
      v[2][i] = e.contrast();
    }
    return CalibrationProfile.of(Map.of(
        CalibrationProfile.SCORE,
        v[0],
        CalibrationProfile.MEAN_INTENSITY,
        v[1],
        CalibrationProfile.CONTRAST,
        v[2]));
  }

  private DriftMonitor monitor(DriftMonitor.Settings settings) {
    return monitor(settings, r -> {
      handOffs.incrementAndGet();
      r.run();
    });
  }

  private DriftMonitor monitor(DriftMonitor.Settings settings, Executor worker) {
    return new DriftMonitor(
        settings,
        model::get,
        new DetectorMetrics(registry),
        "test-1",
        events::add,
        worker,
        Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC),
        null);
  }

  /**
   * Sends {@code count} events in batches of {@link #BATCH}, from {@code sources} in turn, scored
   * by {@code scoredBy}: the batches are labelled with it and the scores carry its version, as the
   * detector labels them.
   */
  private void send(
      DriftMonitor m,
      int count,
      List<String> sources,
      Scorer scoredBy,
      double meanShift,
      double flaggedShare) {
    for (int start = 0; start < count; start += BATCH) {
      int n = Math.min(BATCH, count - start);
      float[] tensors = new float[n * TINY.size()];
      List<AnomalyScore> scores = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Event e = draw(random, meanShift, flaggedShare);
        float lo = (float) (e.mean() - e.contrast());
        float hi = (float) (e.mean() + e.contrast());
        System.arraycopy(new float[] {lo, hi, lo, hi}, 0, tensors, i * 4, 4);
        scores.add(score(sources.get((start + i) % sources.size()), scoredBy.modelVersion(), e));
      }
      m.scored(new ScoredBatch(TINY, tensors, Collections.nCopies(n, null), scores, 0, scoredBy));
    }
  }

  private static AnomalyScore score(String source, String version, Event e) {
    return AnomalyScore.newBuilder()
        .setEventId("e")
        .setSource(source)
        .setEventTime(Instant.EPOCH)
        .setScoredTime(Instant.EPOCH)
        .setModelName("m")
        .setModelVersion(version)
        .setReconstructionError(0)
        .setKl(0)
        .setScore(e.score())
        .setThreshold(2.33)
        .setIsAnomaly(e.flagged())
        .setProcessingLatencyMs(1.0)
        .build();
  }

  private List<String> changes() {
    return events.stream()
        .map(e -> e.source() + " " + e.signal() + " " + e.state())
        .toList();
  }

  /** A NaN score (a model that fails on one image) once left the monitor's thread spinning. */
  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void shouldLeaveANonFiniteScoreOutOfTheWindows() {
    DriftMonitor m = monitor(DEFAULTS);
    send(m, 1000, List.of("cam-1"), model.get(), 0, 0.01);
    Event nan = new Event(Double.NaN, 0.4, 0.1, true);
    m.scored(new ScoredBatch(
        TINY,
        new float[] {0.3f, 0.5f, 0.3f, 0.5f},
        Collections.nCopies(1, null),
        List.of(score("cam-1", "1", nan)),
        0,
        model.get()));
    send(m, 1000, List.of("cam-1"), model.get(), 0, 0.01);
    assertThat(events).isEmpty();
    assertThat(gauge(registry.scrape(), "vaestream_drift_ks{signal=\"score\",source=\"*\"}"))
        .isLessThan(0.08);
  }

  @Test
  void shouldStayQuietOnTrafficDrawnLikeTheCalibration() {
    DriftMonitor m = monitor(DEFAULTS);
    send(m, 3000, List.of("cam-1"), model.get(), 0, 0.01);
    assertThat(events).isEmpty();
    String scrape = registry.scrape();
    System.out.println(scrape
        .lines()
        .filter(l -> l.startsWith("vaestream_drift"))
        .collect(Collectors.joining("\n")));
    assertThat(gauge(scrape, "vaestream_drift_psi{signal=\"score\",source=\"*\"}"))
        .isLessThan(0.05);
    assertThat(gauge(scrape, "vaestream_drift_ks{signal=\"mean_intensity\",source=\"cam-1\"}"))
        .isLessThan(0.08);
    assertThat(scrape)
        .contains(
            "vaestream_drifting{signal=\"contrast\",source=\"*\"} 0.0",
            "vaestream_drift_events_total{signal=\"anomaly_rate\",state=\"drift\"} 0.0");
  }

  /**
   * A monitor that has seen {@code quiet} events drawn like the calibration, without an event, then
   * {@code shifted} events of camera 1 shifted so: one drift event of {@code signal} for the camera
   * and one overall.
   */
  private DriftMonitor drifted(
      String signal, int quiet, int shifted, double meanShift, double flaggedShare) {
    DriftMonitor m = monitor(DEFAULTS);
    send(m, quiet, List.of("cam-1"), model.get(), 0, 0.01);
    assertThat(events).isEmpty();
    send(m, shifted, List.of("cam-1"), model.get(), meanShift, flaggedShare);
    assertThat(changes())
        .containsExactlyInAnyOrder("* " + signal + " drift", "cam-1 " + signal + " drift");
    return m;
  }

  @Test
  void shouldRaiseOneDriftEventThenOneRecoveredEventPerSourceAndSignal() throws Exception {
    DriftMonitor m = drifted("mean_intensity", 600, 1500, 0.15, 0.01);
    assertThat(registry.scrape())
        .contains(
            "vaestream_drifting{signal=\"mean_intensity\",source=\"cam-1\"} 1.0",
            "vaestream_drift_events_total{signal=\"mean_intensity\",state=\"drift\"} 2.0");
    send(m, 2000, List.of("cam-1"), model.get(), 0, 0.01);
    assertThat(changes())
        .containsExactlyInAnyOrder(
            "* mean_intensity drift",
            "cam-1 mean_intensity drift",
            "* mean_intensity recovered",
            "cam-1 mean_intensity recovered");
    assertThat(registry.scrape())
        .contains("vaestream_drifting{signal=\"mean_intensity\",source=\"cam-1\"} 0.0");

    JsonNode drift = new ObjectMapper().readTree(events.get(0).toJson());
    assertThat(drift.get("instance").asText()).isEqualTo("test-1");
    assertThat(drift.get("state").asText()).isEqualTo("drift");
    assertThat(drift.get("psi").asDouble() > 0.25
            || drift.get("ks").asDouble() > drift.get("ks_critical").asDouble())
        .isTrue();
    assertThat(drift.get("window_events").asInt()).isBetween(500, 1000);
    assertThat(drift.get("target_far").asDouble()).isEqualTo(0.01);
    assertThat(drift.get("model_name").asText()).isEqualTo("m");
    assertThat(drift.get("model_version").asText()).isEqualTo("1");
    assertThat(drift.get("time").asText()).isEqualTo("2026-12-01T10:00:00Z");
    assertThat(drift.has("anomaly_rate")).isTrue();
  }

  @Test
  void shouldTreatAnAnomalyRateFarAboveTheTargetAsDrift() {
    drifted("anomaly_rate", 1000, 1000, 0, 0.2);
    DriftEvent e = events.get(0);
    assertThat(e.psi()).isNull();
    assertThat(e.anomalyRate()).isGreaterThan(5 * 0.01);
  }

  @Test
  void shouldNotCheckTheAnomalyRateOfAModelWithoutATarget() {
    model.set(new Model("m", "1", Double.NaN, calibration()));
    DriftMonitor m = monitor(DEFAULTS);
    send(m, 1500, List.of("cam-1"), model.get(), 0, 0.5);
    assertThat(events).isEmpty();
  }

  @Test
  void shouldTrackAtMostTheSourceCapAndCountTheRestOverall() {
    // Windows of 20 (far too few to judge drift by: limits no window can reach keep the log quiet).
    DriftMonitor m = monitor(new DriftMonitor.Settings(20, 10, 100, 1e-12, 1e6));
    List<String> sources = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      sources.add("cam-" + i);
    }
    send(m, 150 * 20, sources, model.get(), 0, 0.01);
    Set<String> labelled = new TreeSet<>();
    Matcher s = Pattern.compile("vaestream_drift_anomaly_rate\\{source=\"([^\"]+)\"}")
        .matcher(registry.scrape());
    while (s.find()) {
      labelled.add(s.group(1));
    }
    assertThat(labelled)
        .hasSize(DetectorMetrics.MAX_SOURCES + 1)
        .contains("*", "cam-0", "cam-99")
        .doesNotContain("cam-100", "cam-149");
  }

  @Test
  void shouldStartAfreshWhenAnotherModelScores() {
    DriftMonitor m = monitor(DEFAULTS);
    send(m, 1200, List.of("cam-1"), model.get(), 0.15, 0.01);
    assertThat(changes()).contains("* mean_intensity drift");
    events.clear();

    Scorer v1 = model.get();
    model.set(new Model("m", "2", 0.01, calibration()));
    send(m, 600, List.of("cam-1"), v1, 0.15, 0.01); // scored by v1 before the swap took effect
    assertThat(changes())
        .as("open states closed for the old model")
        .containsExactlyInAnyOrder("* mean_intensity recovered", "cam-1 mean_intensity recovered");
    assertThat(events.get(0).psi()).isNull();
    assertThat(events.get(0).modelVersion()).isEqualTo("1");
    String scrape = registry.scrape();
    assertThat(scrape)
        .contains(
            "vaestream_drifting{signal=\"mean_intensity\",source=\"*\"} 0.0",
            "vaestream_drift_psi{signal=\"mean_intensity\",source=\"*\"} NaN");

    send(m, 600, List.of("cam-1"), model.get(), 0, 0.01);
    assertThat(events).hasSize(2);
    assertThat(
            gauge(registry.scrape(), "vaestream_drift_psi{signal=\"mean_intensity\",source=\"*\"}"))
        .as("600 events of v2 compared, v1's left out")
        .isLessThan(0.1);
  }

  /**
   * A model published again under the same name and version: the old one's batches still in
   * flight at the swap went into the new one's windows, since only name and version told them
   * apart. The detector labels each batch with the very model that scored it.
   */
  @Test
  void shouldLeaveOutTheOldModelsBatchesWhenOneOfTheSameNameAndVersionReplacesIt() {
    DriftMonitor m = monitor(DEFAULTS);
    Scorer old = model.get();
    send(m, 1200, List.of("cam-1"), old, 0.15, 0.01);
    assertThat(changes()).contains("* mean_intensity drift");
    events.clear();

    model.set(new Model("m", "1", 0.01, calibration()));
    send(m, 600, List.of("cam-1"), old, 0.15, 0.01); // in flight at the swap
    send(m, 600, List.of("cam-1"), model.get(), 0, 0.01);
    assertThat(
            gauge(registry.scrape(), "vaestream_drift_psi{signal=\"mean_intensity\",source=\"*\"}"))
        .as("600 events of the new model compared, the old one's left out")
        .isLessThan(0.1);
    assertThat(changes()).doesNotContain("* mean_intensity drift");
  }

  @Test
  void shouldCallItsThreadOnceForTheBatchesThatGatherBeforeItRuns() {
    List<Runnable> later = new ArrayList<>();
    DriftMonitor m = monitor(DEFAULTS, later::add);
    send(m, 1500, List.of("cam-1"), model.get(), 0.3, 0.01);
    assertThat(later).as("30 batches, one call while none was taken").hasSize(1);
    assertThat(events).isEmpty();

    later.remove(0).run();
    assertThat(changes()).contains("* mean_intensity drift");
    assertThat(events.get(0).windowEvents())
        .as("the windows judged once, after the drain added all 30 batches (not at 500 events)")
        .isEqualTo(1000);
    send(m, 50, List.of("cam-1"), model.get(), 0.3, 0.01);
    assertThat(later)
        .as("a batch after the thread took the others calls it again")
        .hasSize(1);
  }

  @Test
  void shouldLeaveAModelWithoutAProfileAlone() {
    DriftMonitor m = monitorOfAModelWithoutProfile();
    send(m, 1500, List.of("cam-1"), model.get(), 0.3, 0.5);
    assertThat(events).isEmpty();
    assertThat(registry.scrape())
        .contains("vaestream_drift_psi{signal=\"score\",source=\"*\"} NaN");
    assertThat(handOffs)
        .as("batches of a model without a profile stay on the stream thread")
        .hasValue(0);
  }

  @Test
  void shouldWatchAProfiledModelThatReplacesOneWithout() {
    DriftMonitor m = monitorOfAModelWithoutProfile();
    send(m, 600, List.of("cam-1"), model.get(), 0.3, 0.01);

    model.set(new Model("m", "2", 0.01, calibration()));
    send(m, 1200, List.of("cam-1"), model.get(), 0.15, 0.01);
    assertThat(handOffs).hasValue(1200 / BATCH);
    assertThat(changes()).contains("* mean_intensity drift");
  }

  /** A monitor whose model ("old" v1) carries no calibration profile. */
  private DriftMonitor monitorOfAModelWithoutProfile() {
    model.set(new Model("old", "1", 0.01, null));
    return monitor(DEFAULTS);
  }

  private static double gauge(String scrape, String series) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
        .findFirst()
        .orElseThrow(() -> new AssertionError(series + " is not exposed"));
  }

  /** A model that only says what the monitor asks. */
  private record Model(
      String modelName,
      String modelVersion,
      double targetFalseAlarmRate,
      CalibrationProfile calibrationProfile)
      implements Scorer {
    @Override
    public ImageContract contract() {
      return TINY;
    }

    @Override
    public ScoreBatch score(float[] tensors, int count) {
      throw new UnsupportedOperationException("not scored here");
    }

    @Override
    public double threshold() {
      return 2.33;
    }

    @Override
    public void close() {}
  }
}
