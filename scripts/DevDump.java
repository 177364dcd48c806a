import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.ImageShape;
import io.vaestream.trainer.eval.EvaluationData;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Writes what scripts/dev_parts.py needs to try new score parts beside a development run of
 * {@code evaluate} (same source for training and test, default split and hold-out): the run's
 * test images and labels, and for each class its memory bank and held-out images, with the
 * reconstructions, latent means and log-variances of the class's model.onnx, as little-endian float32 files.
 *
 * <pre>
 * java -cp "$(ls tools/target/vaestream-tools-*.jar):$(cat tools/target/classpath.txt)" \
 *     scripts/DevDump.java fashion-mnist:train runs/dev-fmtrain-fused 1 runs/dev-fmtrain-dump
 * </pre>
 */
public class DevDump {
  public static void main(String[] args) throws Exception {
    String spec = args[0];
    Path run = Path.of(args[1]);
    long seed = Long.parseLong(args[2]);
    Path out = Files.createDirectories(Path.of(args[3]));
    // evaluate's defaults: 20 % of each class for testing, split with the default seed 42
    // a fifth argument names another test source (no split then), as evaluate's --test-data
    String testSpec = args.length > 4 ? args[4] : spec;
    EvaluationData data = EvaluationData.open(spec, testSpec, ImageShape.AUTO, 0.2, 42);
    ImageDataset test = data.test();
    write(out.resolve("test.f32"), test.pixels());
    ByteBuffer labels = ByteBuffer.allocate(4 * test.size()).order(ByteOrder.LITTLE_ENDIAN);
    labels.asIntBuffer().put(test.labels());
    Files.write(out.resolve("test-labels.i32"), labels.array());
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    for (int c : data.train().distinctLabels()) {
      TrainingRun.Splits s = TrainingRun.defaults(spec, Set.of(c), VaeConfig.defaults(VaeArchitecture.MLP).withSeed(seed))
          .splits(data.train());
      Path model = run.resolve("class-" + c + "-seed-" + seed).resolve("model.onnx");
      try (OrtSession session = env.createSession(model.toString())) {
        Map<String, ImageDataset> sets = Map.of("bank", s.train(), "calib", s.calibration(), "test", test);
        for (var e : sets.entrySet()) {
          String name = "class-" + c + "-" + e.getKey();
          if (!e.getKey().equals("test")) {
            write(out.resolve(name + ".f32"), e.getValue().pixels());
          }
          forward(env, session, e.getValue(), out.resolve(name));
        }
      }
      System.out.println("class " + c + ": " + s.train().size() + " in the bank, "
          + s.calibration().size() + " held out");
    }
  }

  /** Writes {@code prefix}-rec.f32, -mu.f32 and -logvar.f32 for every image of {@code d}. */
  static void forward(OrtEnvironment env, OrtSession session, ImageDataset d, Path prefix)
      throws Exception {
    int size = d.contract().size();
    long[] shape = {0, d.contract().channels(), d.contract().height(), d.contract().width()};
    FloatBuffer rec = FloatBuffer.allocate(d.size() * size);
    FloatBuffer mu = null;
    FloatBuffer logVar = null;
    for (int i = 0; i < d.size(); i += 500) {
      int m = Math.min(500, d.size() - i);
      shape[0] = m;
      float[] x = Arrays.copyOfRange(d.pixels(), i * size, (i + m) * size);
      try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
          OrtSession.Result r = session.run(
              Map.of(ModelFormat.INPUT, t),
              Set.of(ModelFormat.RECONSTRUCTION, ModelFormat.Z_MEAN, ModelFormat.Z_LOG_VAR))) {
        rec.put(((OnnxTensor) r.get(ModelFormat.RECONSTRUCTION).orElseThrow()).getFloatBuffer());
        FloatBuffer z = ((OnnxTensor) r.get(ModelFormat.Z_MEAN).orElseThrow()).getFloatBuffer();
        FloatBuffer v = ((OnnxTensor) r.get(ModelFormat.Z_LOG_VAR).orElseThrow()).getFloatBuffer();
        if (mu == null) {
          mu = FloatBuffer.allocate(d.size() * z.remaining() / m);
          logVar = FloatBuffer.allocate(d.size() * v.remaining() / m);
        }
        mu.put(z);
        logVar.put(v);
      }
    }
    write(Path.of(prefix + "-rec.f32"), rec.array());
    write(Path.of(prefix + "-mu.f32"), mu.array());
    write(Path.of(prefix + "-logvar.f32"), logVar.array());
  }

  static void write(Path p, float[] a) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(a);
    Files.write(p, b.array());
  }
}
