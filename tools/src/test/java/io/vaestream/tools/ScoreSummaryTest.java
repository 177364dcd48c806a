package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.events.AnomalyScore;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScoreSummaryTest {
  /** A score of {@code value} for an event 5 ms old; also what {@link TailIT} reads. */
  static AnomalyScore score(double value, boolean flagged, boolean anomalous) {
    return AnomalyScore.newBuilder()
        .setEventId("e")
        .setSource("s")
        .setEventTime(Instant.EPOCH)
        .setScoredTime(Instant.EPOCH.plusMillis(5))
        .setModelName("m")
        .setModelVersion("1")
        .setReconstructionError(0)
        .setKl(0)
        .setScore(value)
        .setThreshold(1)
        .setIsAnomaly(flagged)
        .setProcessingLatencyMs(1)
        .setAnomalous(anomalous)
        .build();
  }

  @Test
  void shouldMeasureRecallAndAurocOnTheScoresTopic() {
    ScoreSummary all = new ScoreSummary();
    all.add(score(0.5, false, false));
    all.add(score(2.0, true, true));
    all.add(score(0.8, false, true));
    assertThat(all.line()).contains("precision 1.000, recall 0.500 (3 labelled)");
    assertThat(all.auroc()).contains("AUROC 1.000000 over 3 labelled scores");
  }

  @Test
  void shouldNotClaimRecallOrAurocWhenEveryScoreWasFlagged() {
    // The anomalies topic holds flagged events only: recall is 1 and AUROC ranks them alone.
    ScoreSummary flagged = new ScoreSummary();
    flagged.add(score(1.5, true, false));
    flagged.add(score(2.0, true, true));
    // Two flagged scores may just be the start of the scores topic: recall is still reported.
    assertThat(flagged.line()).contains("precision 0.500, recall 1.000 (2 labelled)");
    for (int i = 0; i < 18; i++) {
      flagged.add(score(3.0 + i, true, true));
    }
    assertThat(flagged.line())
        .contains("precision 0.950 (20 labelled; every score read was flagged")
        .doesNotContain("recall 1.000");
    assertThat(flagged.auroc()).isNull();
  }

  /** A tail left running keeps bounded samples: it held every latency and sorted them each second. */
  @Test
  void shouldKeepBoundedSamplesAndSayWhenTheAurocIsOverOne() {
    ScoreSummary summary = new ScoreSummary(100, 200);
    for (int i = 0; i < 1000; i++) {
      boolean anomalous = i % 4 == 0;
      summary.add(score(anomalous ? 2 + i % 7 : i % 5 * 0.1, anomalous, anomalous));
    }
    assertThat(summary.count()).isEqualTo(1000);
    assertThat(summary.latenciesKept()).isEqualTo(100);
    assertThat(summary.latency(0.99)).isEqualTo(5);
    assertThat(summary.line()).contains("1000 scores", "(1000 labelled)");
    assertThat(summary.auroc())
        .contains("AUROC 1.000000 over 1000 labelled scores (a uniform sample of 200)");
  }
}
