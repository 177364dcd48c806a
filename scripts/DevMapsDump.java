import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.TrainingRun;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.ImageShape;
import io.vaestream.trainer.data.InspectionData;
import io.vaestream.trainer.export.OnnxExporter;
import io.vaestream.trainer.export.OnnxModelRunner;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.score.ScoreSelector;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the score parts of an {@code evaluate-maps} model for each of its test images and held-out
 * normals, as MODEL/parts.csv, for scripts/dev-rules.py: the same parts the model's fused score
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
    TrainingRun run = new TrainingRun(data.name() + "/train", Set.of(), 0.1, null, 0, 0.01,
        ScoreSelector.Kind.FUSED, 6000, VaeConfig.defaults(VaeArchitecture.CONV));
    ImageDataset heldOut = run.splits(data.train()).calibration();
    List<String> parts = List.of(ModelFormat.RECONSTRUCTION_ERROR, OnnxExporter.KNN_PIXELS,
        OnnxExporter.KNN_GRADIENTS, ModelFormat.ANOMALY_MAP);
    try (OnnxModelRunner runner = OnnxModelRunner.open(Files.readAllBytes(model.resolve("model.onnx")));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(model.resolve("parts.csv")))) {
      out.println("set,anomalous,reconstruction_error,knn_pixels,knn_gradients,map_peak");
      for (String set : List.of("test", "held-out")) {
        ImageDataset images = set.equals("test") ? data.test() : heldOut;
        Map<String, float[]> values = runner.run(images.pixels(), images.size(), parts);
        for (int i = 0; i < images.size(); i++) {
          boolean anomalous = set.equals("test") && !data.isGood(i);
          StringBuilder row = new StringBuilder(set).append(',').append(anomalous ? 1 : 0);
          for (String part : parts.subList(0, 3)) {
            row.append(String.format(Locale.ROOT, ",%.9g", values.get(part)[i]));
          }
          // the map's peak, as the graph takes it (its own output only where the score uses it)
          float[] map = values.get(ModelFormat.ANOMALY_MAP);
          int pixels = map.length / images.size();
          float peak = Float.NEGATIVE_INFINITY;
          for (int p = i * pixels; p < (i + 1) * pixels; p++) {
            peak = Math.max(peak, map[p]);
          }
          row.append(String.format(Locale.ROOT, ",%.9g", peak));
          out.println(row);
        }
      }
    }
    System.out.println(model.resolve("parts.csv") + ": " + data.test().size() + " test images, "
        + heldOut.size() + " held-out normals");
  }
}
