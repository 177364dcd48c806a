package io.vaestream.bench;

import io.vaestream.detector.localize.Localizer;
import io.vaestream.detector.scoring.Device;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.events.Localization;
import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.DataSources;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a flagged event costs the stream thread beyond its score: {@link Localizer#localize} turns
 * its anomaly map into the PNG, the boxes and the peak. The maps are real ones: the model scores
 * the first {@value #IMAGES} Fashion-MNIST test images once, at set-up (fitted to its contract),
 * and each operation localizes the map of the next image it flagged.
 *
 * <p>Run with {@code ./vaestream jmh LocalizerBenchmark} (model: {@code -jvmArgsAppend
 * -Dvaestream.model=PATH}, default the demo model).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LocalizerBenchmark extends MicroBenchmark {
  static final int IMAGES = 2048;
  private static final int BATCH = 64;

  private Localizer localizer;
  private ImageContract contract;
  /** Values in one map: the model's width × height. */
  private int plane;

  private float[] maps;
  private int[] flagged;
  private int next;

  @Setup(Level.Trial)
  public void open() throws Exception {
    Path model = Path.of(
        System.getProperty("vaestream.model", "models/demo-fashion-mnist-train-7/model.onnx"));
    try (OnnxScorer scorer = OnnxScorer.open(model, Device.CPU)) {
      localizer = scorer.localizer();
      if (localizer == null) {
        throw new IllegalStateException(model + " has no anomaly maps to localize");
      }
      contract = scorer.contract();
      float[] images = DataSources.open("fashion-mnist:test", contract).pixels();
      plane = contract.width() * contract.height();
      maps = new float[IMAGES * plane];
      flagged = new int[IMAGES];
      int count = 0;
      for (int first = 0; first < IMAGES; first += BATCH) {
        ScoreBatch scores = scorer.score(
            Arrays.copyOfRange(images, first * contract.size(), (first + BATCH) * contract.size()),
            BATCH);
        System.arraycopy(scores.maps(), 0, maps, first * plane, BATCH * plane);
        for (int i = 0; i < BATCH; i++) {
          if (scores.score()[i] > scorer.threshold()) {
            flagged[count++] = first + i;
          }
        }
      }
      if (count == 0) {
        throw new IllegalStateException(model + " flags none of the first " + IMAGES
            + " Fashion-MNIST test images: nothing to localize");
      }
      flagged = Arrays.copyOf(flagged, count);
    }
  }

  @Benchmark
  public Localization localize() {
    int image = flagged[next];
    next = next + 1 == flagged.length ? 0 : next + 1;
    return localizer.localize(maps, image * plane, contract.width(), contract.height());
  }
}
