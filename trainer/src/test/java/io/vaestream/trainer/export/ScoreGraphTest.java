package io.vaestream.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.export.internal.OnnxGraphBuilder;
import io.vaestream.trainer.score.ImageFeatures;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The graph's blur is the trainer's, by matrix products on small images and by Convs on large. */
class ScoreGraphTest {
  @ParameterizedTest(name = "{0} x {1}, {2} channel(s)")
  @CsvSource({
    "28, 28, 1", // the band-matrix path, as Fashion-MNIST has it
    "40, 24, 3", // band matrices of two sizes
    "64, 64, 3", // the largest side that still takes matrix products
    "96, 72, 3", // 1-D Convs
    "65, 130, 1"
  })
  void shouldBlurAsTheTrainerDoes(int width, int height, int channels) {
    ImageContract contract = new ImageContract(width, height, channels);
    OnnxGraphBuilder g = new OnnxGraphBuilder("blur");
    String x = g.input("input", contract.shape(-1));
    g.output(ScoreGraph.blur(g, x, contract), "blurred", contract.shape(-1));
    ModelProto proto = g.build("test", "1", "", contract.toMetadata());
    boolean small = Math.max(width, height) <= ScoreGraph.BAND_MATRIX_SIDE;
    assertThat(proto.getGraph().getNodeList())
        .extracting(NodeProto::getOpType)
        .filteredOn(op -> !op.equals("Identity"))
        .containsExactly(small ? new String[] {"MatMul", "MatMul"} : new String[] {"Conv", "Conv"});
    byte[] model = proto.toByteArray();

    int count = 3;
    float[] images = new float[count * contract.size()];
    SplittableRandom random = new SplittableRandom(width * 1000L + height);
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) random.nextDouble();
    }
    float[] blurred;
    try (OnnxModelRunner runner = OnnxModelRunner.open(model)) {
      blurred = runner.run(images, count, List.of("blurred")).get("blurred");
    }

    ImageFeatures features = new ImageFeatures(contract);
    float worst = 0;
    for (int i = 0; i < count; i++) {
      float[] expected = features.blur(images, i * contract.size());
      for (int p = 0; p < expected.length; p++) {
        worst = Math.max(worst, Math.abs(expected[p] - blurred[i * contract.size() + p]));
      }
    }
    assertThat(worst).isLessThan(1e-6f);
  }
}
