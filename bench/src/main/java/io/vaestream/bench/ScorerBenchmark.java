package io.vaestream.bench;

import io.vaestream.detector.scoring.Device;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.scoring.ScoreBatch;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The scorer alone, without Kafka: one ONNX Runtime call per batch. Operations are batches; divide
 * the throughput by nothing and multiply by {@code batch} for images/s (the report does).
 *
 * <p>Run with {@code ./vaestream jmh} (model: {@code -jvmArgsAppend -Dvaestream.model=PATH}, default the demo
 * model; device: {@code -Dvaestream.device=cpu|cuda|auto}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ScorerBenchmark extends MicroBenchmark {
  @Param({"1", "8", "64", "256"})
  public int batch;

  private OnnxScorer scorer;
  private float[] images;

  @Setup(Level.Trial)
  public void open() {
    Path model = Path.of(
        System.getProperty("vaestream.model", "models/demo-fashion-mnist-train-7/model.onnx"));
    Device device = Device.parse(System.getProperty("vaestream.device", "auto"));
    scorer = OnnxScorer.open(model, device);
    images = new float[batch * scorer.contract().size()];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) r.nextDouble();
    }
  }

  @Benchmark
  public ScoreBatch score() {
    return scorer.score(images, batch);
  }

  @TearDown(Level.Trial)
  public void close() {
    scorer.close();
  }
}
