package io.vaestream.trainer.export;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.vaestream.schemas.GoldenSamples;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.score.ImageFeatures;
import io.vaestream.trainer.score.MapScale;
import io.vaestream.trainer.score.Metrics;
import io.vaestream.trainer.score.ScoreSelector;
import io.vaestream.trainer.score.Threshold;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The int8 form of a packaged model ({@code --quantize int8}): its dense layers quantised, and
 * what depends on its outputs derived again from them, since the scores and the map move a little
 * with the weights.
 */
final class Int8Packaging {
  private Int8Packaging() {}

  /**
   * Quantises {@code floatModel} (which passed the parity gate, so the trainer's {@code
   * floatScores} are its scores within 1e-4) and re-derives what depends on its outputs: threshold, pixel threshold,
   * quantiles, the calibration profile's score quantiles and golden samples (the float model's
   * golden inputs, scored by the int8 model as one batch, the way the detector checks them:
   * activations are quantised per batch).
   */
  static ModelPackager.PackagedModel packaged(
      ModelProto floatModel,
      ImageDataset check,
      double[] floatScores,
      int normals,
      double targetFalseAlarmRate,
      ScoreSelector.Selection selection,
      ParityCheck.Result parity,
      MapScale mapScale) {
    ModelProto q = Int8Quantizer.quantize(floatModel);
    Map<String, String> meta = new LinkedHashMap<>();
    floatModel.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
    List<GoldenSamples.Sample> floatGolden =
        GoldenSamples.fromJson(meta.get(ModelFormat.GOLDEN)).samples();
    int size = check.contract().size();
    float[] goldenPixels = new float[floatGolden.size() * size];
    for (int j = 0; j < floatGolden.size(); j++) {
      System.arraycopy(floatGolden.get(j).tensor(), 0, goldenPixels, j * size, size);
    }
    List<String> outputs =
        List.of(ModelFormat.RECONSTRUCTION_ERROR, ModelFormat.KL, ModelFormat.SCORE);
    float[] s;
    float[] maps;
    Map<String, float[]> g;
    try (OnnxModelRunner r = OnnxModelRunner.open(q.toByteArray())) {
      Map<String, float[]> out =
          r.run(check.pixels(), check.size(), List.of(ModelFormat.SCORE, ModelFormat.ANOMALY_MAP));
      s = out.get(ModelFormat.SCORE);
      maps = out.get(ModelFormat.ANOMALY_MAP);
      g = r.run(goldenPixels, floatGolden.size(), outputs);
    }
    // Relative to the score, or to its spread on held-out normals where the score is smaller: a
    // standardised score sits near 0, and its unit is that spread.
    double spread = Metrics.std(Arrays.copyOf(floatScores, normals));
    double worst = 0;
    double sum = 0;
    for (int i = 0; i < s.length; i++) {
      double e = Math.abs(s[i] - floatScores[i])
          / Math.max(Math.abs(floatScores[i]), Math.max(spread, 1e-12));
      worst = Math.max(worst, e);
      sum += e;
    }
    double mean = sum / s.length;
    if (!(worst <= ModelPackager.INT8_MAX_SCORE_ERROR)) {
      throw new ParityCheck.ParityException(String.format(
          Locale.ROOT,
          "the int8 model's scores differ from the float model's by up to %.2e (allowed %.0e) over %d images; "
              + "export it without quantisation",
          worst,
          ModelPackager.INT8_MAX_SCORE_ERROR,
          s.length));
    }
    double[] normalScores = new double[normals];
    for (int i = 0; i < normals; i++) {
      normalScores[i] = s[i];
    }
    Threshold threshold = Threshold.calibrate(normalScores, targetFalseAlarmRate);
    List<GoldenSamples.Sample> samples = new ArrayList<>();
    for (int j = 0; j < floatGolden.size(); j++) {
      samples.add(GoldenSamples.Sample.of(
          floatGolden.get(j).tensor(),
          g.get(ModelFormat.RECONSTRUCTION_ERROR)[j],
          g.get(ModelFormat.KL)[j],
          g.get(ModelFormat.SCORE)[j]));
    }
    String floatThreshold = meta.get(ModelFormat.THRESHOLD);
    // the map comes from the int8 reconstruction too: its pixel threshold is the int8 map's
    meta.put(
        ModelFormat.PIXEL_THRESHOLD,
        Double.toString(Threshold.calibrate(
                ImageFeatures.peaks(maps, normals, maps.length / s.length), targetFalseAlarmRate)
            .value()));
    meta.put(ModelFormat.THRESHOLD, Double.toString(threshold.value()));
    meta.put(ModelFormat.THRESHOLD_QUANTILES, ModelPackager.json(threshold.quantiles()));
    meta.put(
        ModelFormat.CALIBRATION_PROFILE,
        ModelPackager.profile(normalScores, check, normals).toJson());
    meta.put(
        ModelFormat.GOLDEN,
        new GoldenSamples(ModelPackager.INT8_GOLDEN_TOLERANCE, samples).toJson());
    meta.put(
        ModelFormat.QUANTIZATION,
        ModelPackager.json(Map.of(
            "scheme",
            Int8Quantizer.SCHEME,
            "max_score_error_vs_float",
            worst,
            "mean_score_error_vs_float",
            mean,
            "images",
            s.length,
            "float_threshold",
            floatThreshold)));
    ModelProto.Builder b = q.toBuilder().clearMetadataProps();
    meta.forEach((k, v) ->
        b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return new ModelPackager.PackagedModel(
        b.build().toByteArray(), meta, selection, threshold, parity, mapScale);
  }
}
