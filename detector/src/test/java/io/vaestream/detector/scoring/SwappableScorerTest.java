package io.vaestream.detector.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.testing.Images;
import io.vaestream.detector.testing.TinyVaeModel;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwappableScorerTest {
  @TempDir
  Path dir;

  @Test
  void shouldLabelEachBatchWithTheModelThatScoredIt() throws Exception {
    Path v7 = TinyVaeModel.write(dir.resolve("v7"), 0.48, "7");
    Path v8 = TinyVaeModel.write(dir.resolve("v8"), 0.6, "8");
    OnnxScorer first = OnnxScorer.open(v7, Device.CPU);
    try (SwappableScorer s = new SwappableScorer(first)) {
      ScoreBatch before = s.score(Images.tensor(1), 1);
      Scorer old = s.swap(OnnxScorer.open(v8, Device.CPU));
      ScoreBatch after = s.score(Images.tensor(1), 1);
      assertThat(before.model().modelVersion()).isEqualTo("7");
      assertThat(before.model().threshold()).as("still readable after the swap").isEqualTo(0.48);
      assertThat(after.model().modelVersion()).isEqualTo("8");
      assertThat(s.modelVersion()).isEqualTo("8");
      assertThat(old).isSameAs(first);
      assertThat(first.nativeObjects().open())
          .as("the old model was closed with nothing open")
          .isZero();
    }
  }

  @Test
  void shouldFreeEveryModelItReplacesOverAHundredSwapsWhileScoring() throws Exception {
    Path[] files = {
      TinyVaeModel.write(dir.resolve("a"), 0.48, "1"),
      TinyVaeModel.write(dir.resolve("b"), 0.48, "2")
    };
    float[] x = new float[64 * 784];
    for (int i = 0; i < 64; i++) {
      System.arraycopy(Images.tensor(i), 0, x, i * 784, 784);
    }
    ExecutorService scoring = Executors.newSingleThreadExecutor();
    try (SwappableScorer s = new SwappableScorer(OnnxScorer.open(files[0], Device.CPU))) {
      double warm = 0;
      for (int swap = 1; swap <= 150; swap++) {
        // a batch in flight on another thread while the model is swapped
        Future<ScoreBatch> batch = scoring.submit(() -> s.score(x, 64));
        Scorer old = s.swap(OnnxScorer.open(files[swap % 2], Device.CPU));
        assertThat(batch.get(30, TimeUnit.SECONDS).size()).isEqualTo(64);
        assertThat(old.nativeObjects().open()).as("swap %d", swap).isZero();
        if (swap == 50) {
          System.gc();
          warm = DetectorMetrics.residentBytes("self");
        }
      }
      System.gc();
      double end = DetectorMetrics.residentBytes("self");
      System.out.printf(
          "resident set after 50 swaps %.1f MB, after 150 swaps %.1f MB (%+.1f %%)%n",
          warm / 1e6, end / 1e6, 100 * (end - warm) / warm);
      assertThat(end).as("resident set flat over 100 swaps (within 5 %%)").isLessThan(warm * 1.05);
      assertThat(s.nativeObjects().open()).isZero();
    } finally {
      scoring.shutdownNow();
    }
  }
}
