package io.vaestream.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaestream.schemas.CalibrationProfile;
import io.vaestream.schemas.GoldenSamples;
import io.vaestream.schemas.ImageStatistics;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.export.ModelPackager.PackagedModel;
import io.vaestream.trainer.export.ModelPackager.Quantization;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.model.VaeTrainer;
import io.vaestream.trainer.score.ScoreSelector;
import io.vaestream.trainer.score.Threshold;
import io.vaestream.trainer.testing.SyntheticImages;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dense layers to int8: a quarter of the bytes, scores close to the float model's, its own threshold and golden samples. */
class Int8QuantizerTest {
  private static VaeModel model;
  private static ImageDataset calibration;
  private static ImageDataset anomalies;

  @BeforeAll
  static void train() throws Exception {
    ImageDataset all = SyntheticImages.squaresAndRings(400, 5);
    calibration = all.filterLabels(l -> l == 0, "squares");
    anomalies = all.filterLabels(l -> l != 0, "rings");
    // scored over posterior draws, as the MLP is by default: the decoder's input is stacked
    VaeConfig config =
        new VaeConfig(VaeArchitecture.MLP, 6, 1.0, 8, 32, 3e-3, 3L, 128).withPosteriorDraws(4);
    model = new VaeTrainer(s -> {}, m -> {})
        .fit(
            config,
            SyntheticImages.squaresAndRings(200, 1).filterLabels(l -> l == 0, "squares"),
            null);
  }

  private static PackagedModel pack(Quantization q) {
    return ModelPackager.build(
        model,
        calibration,
        calibration,
        null,
        new ModelPackager.ScoreOptions(ScoreSelector.Kind.VAE, 100, null),
        0.05,
        new ModelPackager.Provenance("q", "1", calibration, "0"),
        q);
  }

  @Test
  void shouldReplaceEveryDenseLayerAndShrinkTheWeights() throws Exception {
    PackagedModel f = pack(Quantization.NONE);
    PackagedModel q = pack(Quantization.INT8);
    List<String> ops = ModelProto.parseFrom(q.onnx()).getGraph().getNodeList().stream()
        .map(NodeProto::getOpType)
        .toList();
    assertThat(ops).doesNotContain("Gemm").contains("DynamicQuantizeLinear", "MatMulInteger");
    assertThat(q.onnx().length).isLessThan(f.onnx().length / 3);
    assertThat(f.metadata()).doesNotContainKey(ModelFormat.QUANTIZATION);

    Map<?, ?> info =
        new ObjectMapper().readValue(q.metadata().get(ModelFormat.QUANTIZATION), Map.class);
    assertThat(((Number) info.get("max_score_error_vs_float")).doubleValue())
        .isLessThanOrEqualTo(ModelPackager.INT8_MAX_SCORE_ERROR);
    assertThat(info.get("float_threshold")).isEqualTo(f.metadata().get(ModelFormat.THRESHOLD));
  }

  @Test
  void shouldCalibrateAndCarryGoldenSamplesOfTheInt8ModelItself() {
    PackagedModel q = pack(Quantization.INT8);
    GoldenSamples golden = GoldenSamples.fromJson(q.metadata().get(ModelFormat.GOLDEN));
    assertThat(golden.tolerance()).isEqualTo(ModelPackager.INT8_GOLDEN_TOLERANCE);
    assertThat(golden.samples()).as("held-out normals only, one-class").hasSize(4);
    float[] x = new float[golden.samples().size() * calibration.contract().size()];
    for (int i = 0; i < golden.samples().size(); i++) {
      float[] t = golden.samples().get(i).tensor();
      System.arraycopy(t, 0, x, i * t.length, t.length);
    }
    float[] scores;
    try (OnnxModelRunner r = OnnxModelRunner.open(q.onnx())) {
      scores = r.run(x, golden.samples().size(), List.of(ModelFormat.SCORE)).get(ModelFormat.SCORE);
    }
    for (int i = 0; i < scores.length; i++) {
      assertThat(golden.matches(golden.samples().get(i).score(), scores[i]))
          .as("golden sample %d", i)
          .isTrue();
    }
    assertThat(Double.parseDouble(q.metadata().get(ModelFormat.THRESHOLD)))
        .isEqualTo(q.threshold().value());
  }

  /**
   * The anomaly map comes from the int8 reconstruction too: its pixel threshold is set on the int8
   * map's peaks, not copied from the float model.
   */
  @Test
  void shouldSetThePixelThresholdOnTheInt8ModelsOwnMaps() {
    PackagedModel q = pack(Quantization.INT8);
    float[] maps;
    try (OnnxModelRunner r = OnnxModelRunner.open(q.onnx())) {
      maps = r.run(calibration.pixels(), calibration.size(), List.of(ModelFormat.ANOMALY_MAP))
          .get(ModelFormat.ANOMALY_MAP);
    }
    int plane = maps.length / calibration.size();
    double[] peaks = new double[calibration.size()];
    for (int i = 0; i < peaks.length; i++) {
      peaks[i] = Double.NEGATIVE_INFINITY;
      for (int k = i * plane; k < (i + 1) * plane; k++) {
        peaks[i] = Math.max(peaks[i], maps[k]);
      }
    }
    assertThat(Double.parseDouble(q.metadata().get(ModelFormat.PIXEL_THRESHOLD)))
        .isEqualTo(Threshold.calibrate(peaks, 0.05).value())
        .isNotEqualTo(Double.parseDouble(
            pack(Quantization.NONE).metadata().get(ModelFormat.PIXEL_THRESHOLD)));
  }

  /** The drift monitor's reference: the held-out normals' shipped scores, float or int8, and their input statistics. */
  @Test
  void shouldProfileTheShippedScoresOfTheHeldOutNormals() {
    PackagedModel f = pack(Quantization.NONE);
    PackagedModel q = pack(Quantization.INT8);
    for (PackagedModel m : List.of(f, q)) {
      CalibrationProfile p =
          CalibrationProfile.fromJson(m.metadata().get(ModelFormat.CALIBRATION_PROFILE));
      assertThat(p.n()).isEqualTo(calibration.size()).isEqualTo(m.threshold().calibrationSize());
      assertThat(p.quantile(CalibrationProfile.SCORE, 1))
          .isEqualTo(m.threshold().quantiles().get("max"));
      assertThat(p.quantile(CalibrationProfile.SCORE, 0.5))
          .isCloseTo(m.threshold().quantiles().get("p50"), offset(1e-12));
    }
    CalibrationProfile fp =
        CalibrationProfile.fromJson(f.metadata().get(ModelFormat.CALIBRATION_PROFILE));
    CalibrationProfile qp =
        CalibrationProfile.fromJson(q.metadata().get(ModelFormat.CALIBRATION_PROFILE));
    assertThat(qp.quantiles(CalibrationProfile.SCORE))
        .as("int8 scores, not the float ones")
        .isNotEqualTo(fp.quantiles(CalibrationProfile.SCORE));
    assertThat(qp.quantiles(CalibrationProfile.CONTRAST))
        .containsExactly(fp.quantiles(CalibrationProfile.CONTRAST));
    double[] mean = new double[calibration.size()];
    int size = calibration.contract().size();
    for (int i = 0; i < mean.length; i++) {
      mean[i] = ImageStatistics.of(calibration.pixels(), i * size, size).meanIntensity();
    }
    java.util.Arrays.sort(mean);
    assertThat(fp.quantile(CalibrationProfile.MEAN_INTENSITY, 0)).isEqualTo(mean[0]);
    assertThat(fp.quantile(CalibrationProfile.MEAN_INTENSITY, 1)).isEqualTo(mean[mean.length - 1]);
  }

  @Test
  void shouldRefuseAModelWithoutDenseLayers() {
    assertThatThrownBy(() -> Int8Quantizer.quantize(ModelProto.getDefaultInstance()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no dense layer");
  }
}
