import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.data.ImageShape;
import io.vaestream.trainer.data.InspectionData;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.score.TransformClassifier;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * Whether the default score's transform classifier would join on an inspection data set (the
 * layout `textures` writes): trains it on the same training normals as evaluate-maps (the default
 * 10 % hold-out) and prints the held-out normals' mean -log p against the gate, half of ln 8.
 *
 * <pre>
 * java -cp "$(ls tools/target/vaestream-tools-*.jar):$(cat tools/target/classpath.txt)" \
 *     scripts/TransformGate.java runs/textures/fabric
 * </pre>
 */
public class TransformGate {
  public static void main(String[] args) throws Exception {
    InspectionData data = InspectionData.read(Path.of(args[0]), ImageShape.AUTO);
    TrainingRun.Splits s = TrainingRun.defaults(data.name() + "/train", Set.of(), VaeConfig.defaults(VaeArchitecture.CONV))
        .splits(data.train());
    long t0 = System.nanoTime();
    TransformClassifier tc = TransformClassifier.train(s.train(), 6000, 1);
    double[] held = tc.scores(s.calibration().pixels(), s.calibration().size());
    System.out.printf("%s: %d training normals, %d held out; thumbnail %dx%d; held-out mean -log p %.3f"
            + " (gate %.3f): %s; %.0f s%n",
        args[0], s.train().size(), s.calibration().size(), tc.side(), tc.side(),
        Arrays.stream(held).average().orElseThrow(), TransformClassifier.LEARNT_BELOW,
        TransformClassifier.learnt(held) ? "joins" : "left out", (System.nanoTime() - t0) / 1e9);
  }
}
