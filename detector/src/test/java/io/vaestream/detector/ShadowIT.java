package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.lifecycle.ModelPublisher;
import io.vaestream.detector.testing.DetectorHttp;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.events.AnomalyScore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shadow model on a running detector: published with {@code --mode shadow}, it scores the same
 * images as the live model, to a topic of its own, without changing a live score; the agreement
 * metrics match what the two topics hold; then {@code promote} makes it live and ends the shadow.
 *
 * <p>The constructed case: live v7 and shadow v8 are the same graph with thresholds 0.48 and 0.6,
 * so every shadow score equals its live score (rank correlation 1) and the two flags differ
 * exactly on the images scored in (0.48, 0.6].
 */
@Timeout(180)
class ShadowIT {
  private static final int EVENTS = 800;

  @TempDir
  Path dir;

  @Test
  void shouldScoreInShadowReportAgreementAndPromote() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    String prefix = TestDetectors.createTopics(kafka, "shadow", 2);
    String models = TestDetectors.models(prefix);
    String shadowTopic = TestDetectors.scores(prefix) + ".shadow";
    kafka.createTopics(2, shadowTopic);
    int port = TestDetectors.freePort();
    Path v7 = TinyVaeModel.write(dir.resolve("v7"), 0.48, "7");
    Map<String, Object> p = TestDetectors.swappable(kafka, v7, prefix, dir.resolve("state"), port);
    p.put(DetectorConfig.SHADOW_TIME_BUDGET, 100.0); // no batch is skipped for time here
    Map<String, Object> client = kafka.clientSettings();
    try (Detector detector = Detector.start(new DetectorConfig(p));
        ScoreTally live = new ScoreTally(kafka.bootstrapServers(), TestDetectors.scores(prefix));
        ScoreTally shadow = new ScoreTally(kafka.bootstrapServers(), shadowTopic);
        KafkaConsumer<byte[], byte[]> status =
            TestDetectors.readCommitted(kafka.bootstrapServers(), models + ".status")) {
      ModelPublisher.publish(
          client,
          models,
          TinyVaeModel.write(dir.resolve("v8"), 0.6, "8"),
          ModelPublisher.Role.SHADOW);
      TestDetectors.awaitStatus(status, "\"outcome\":\"shadow\"");

      TestDetectors.sendPaced(
          kafka.bootstrapServers(), TestDetectors.images(prefix), "s", EVENTS, 400);
      Map<String, AnomalyScore> liveScores = new HashMap<>();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        live.drain(Duration.ofMillis(200)).forEach(s -> liveScores.put(s.getEventId(), s));
        return liveScores.size() >= EVENTS;
      });
      double skipped = metric(
              port, "vaestream_shadow_skipped_batches_total\\{reason=\"busy\",?\\} (\\S+)")
          + metric(port, "vaestream_shadow_skipped_batches_total\\{reason=\"budget\",?\\} (\\S+)");
      double shadowed = metric(port, "vaestream_shadow_events_total (\\S+)");
      List<AnomalyScore> shadowScores = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        shadowScores.addAll(shadow.drain(Duration.ofMillis(200)));
        return shadowScores.size() >= shadowed;
      });
      System.out.printf(
          "shadow: %d of %d images shadow-scored, %.0f batches skipped%n",
          shadowScores.size(), EVENTS, skipped);
      assertThat(liveScores.values())
          .as("the shadow changes no live score")
          .allMatch(s -> s.getModelVersion().equals("7") && s.getThreshold() == 0.48);
      assertThat(shadowScores)
          .as("a shadow score per shadow-scored image, once")
          .hasSize((int) shadowed)
          .extracting(AnomalyScore::getEventId)
          .doesNotHaveDuplicates();
      assertThat(shadowScores.size())
          .as("most batches are shadow-scored")
          .isGreaterThanOrEqualTo(EVENTS / 2);
      int agree = 0;
      int liveFlags = 0;
      int shadowFlags = 0;
      for (AnomalyScore s : shadowScores) {
        AnomalyScore l = liveScores.get(s.getEventId());
        assertThat(s.getModelVersion()).isEqualTo("8");
        assertThat(s.getThreshold()).isEqualTo(0.6);
        assertThat(s.getScore()).as("same graph, same score").isEqualTo(l.getScore());
        assertThat(s.getIsAnomaly()).isEqualTo(s.getScore() > 0.6);
        agree += s.getIsAnomaly() == l.getIsAnomaly() ? 1 : 0;
        liveFlags += l.getIsAnomaly() ? 1 : 0;
        shadowFlags += s.getIsAnomaly() ? 1 : 0;
      }
      int n = shadowScores.size();
      assertThat(agree).as("the constructed case has disagreements to count").isLessThan(n);
      // The window (1,000) holds every shadow-scored image, so the metrics are over the same
      // images.
      assertThat(metric(port, "vaestream_shadow_window_images (\\S+)")).isEqualTo(n);
      assertThat(metric(port, "vaestream_shadow_flag_agreement (\\S+)"))
          .isCloseTo((double) agree / n, within(1e-9));
      assertThat(metric(port, "vaestream_shadow_rank_correlation (\\S+)"))
          .isCloseTo(1.0, within(1e-9));
      assertThat(metric(port, "vaestream_shadow_anomaly_rate\\{model=\"live\",?\\} (\\S+)"))
          .isCloseTo((double) liveFlags / n, within(1e-9));
      assertThat(metric(port, "vaestream_shadow_anomaly_rate\\{model=\"shadow\",?\\} (\\S+)"))
          .isCloseTo((double) shadowFlags / n, within(1e-9));
      System.out.printf(
          "agreement %.4f (%d of %d), live anomaly rate %.4f, shadow %.4f%n",
          (double) agree / n, agree, n, (double) liveFlags / n, (double) shadowFlags / n);

      ModelPublisher.promote(client, models);
      TestDetectors.awaitStatus(status, "\"outcome\":\"shadow-ended\"");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> detector.scorer().modelVersion().equals("8"));
      TestDetectors.sendPaced(
          kafka.bootstrapServers(), TestDetectors.images(prefix), "after", 200, 400);
      List<AnomalyScore> after = live.awaitEvents("after", 200, Duration.ofSeconds(60));
      assertThat(after)
          .as("the promoted model scores live")
          .allMatch(s -> s.getModelVersion().equals("8"));
      assertThat(shadow.drain(Duration.ofSeconds(1)))
          .as("no shadow scores after the promotion")
          .noneMatch(s -> s.getEventId().startsWith("after"));
    }
  }

  private static double metric(int port, String pattern) throws Exception {
    String text = DetectorHttp.metrics(port);
    Matcher m = Pattern.compile("(?m)^" + pattern).matcher(text);
    assertThat(m.find()).as("metric %s in%n%s", pattern, text).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
