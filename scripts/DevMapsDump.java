import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.ImageShape;
import io.vaestream.trainer.data.InspectionData;
import io.vaestream.trainer.export.OnnxExporter;
import io.vaestream.trainer.export.OnnxModelRunner;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the score parts of an {@code evaluate-maps} model for each of its test images and held-out
 * normals, as MODEL/parts.csv, for scripts/dev_rules.py: the same parts the model's fused score
 * combines, so that other rules can combine them on the same images.
 *
 * <pre>
 * java -cp "$(ls tools/target/vaestream-tools-*.jar):$(cat tools/target/classpath.txt)" \
 *     scripts/DevMapsDump.java runs/textures/wood-128-s7 runs/dev-maps-wood/model
 * </pre>
 */
public class DevMapsDump {
  public static void main(String[] args) throws Exception {
    InspectionData data = InspectionData.read(Path.of(args[0]), ImageShape.AUTO);
    Path model = Path.of(args[1]);
    // evaluate-maps' hold-out: 10 % of the training normals, cut as its training run cuts them
    TrainingRun run = TrainingRun.defaults(data.name() + "/train", Set.of(), VaeConfig.defaults(VaeArchitecture.CONV));
    ImageDataset heldOut = run.splits(data.train()).calibration();
    // one value an image each; the map's peak is taken here, as the graph takes it (the graph
    // outputs it only where the score uses it)
    List<String> scalars = List.of(
        ModelFormat.RECONSTRUCTION_ERROR, OnnxExporter.KNN_PIXELS, OnnxExporter.KNN_GRADIENTS);
    List<String> outputs = new ArrayList<>(scalars);
    outputs.add(ModelFormat.ANOMALY_MAP);
    try (OnnxModelRunner runner = OnnxModelRunner.open(Files.readAllBytes(model.resolve("model.onnx")));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(model.resolve("parts.csv")))) {
      out.println("set,anomalous," + String.join(",", scalars) + "," + OnnxExporter.MAP_PEAK);
      for (String set : List.of("test", "held-out")) {
        boolean test = set.equals("test");
        ImageDataset images = test ? data.test() : heldOut;
        Map<String, float[]> values = runner.run(images.pixels(), images.size(), outputs);
        float[] map = values.get(ModelFormat.ANOMALY_MAP);
        int pixels = map.length / images.size();
        for (int i = 0; i < images.size(); i++) {
          StringBuilder row = new StringBuilder(set).append(test && !data.isGood(i) ? ",1" : ",0");
          for (String part : scalars) {
            row.append(String.format(Locale.ROOT, ",%.9g", values.get(part)[i]));
          }
          float peak = Float.NEGATIVE_INFINITY;
          for (int p = i * pixels; p < (i + 1) * pixels; p++) {
            peak = Math.max(peak, map[p]);
          }
          out.println(row.append(String.format(Locale.ROOT, ",%.9g", peak)));
        }
      }
    }
    System.out.println(model.resolve("parts.csv") + ": " + data.test().size() + " test images, "
        + heldOut.size() + " held-out normals");
  }
}
