package io.vaestream.trainer.export;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vaestream.schemas.CalibrationProfile;
import io.vaestream.schemas.GoldenSamples;
import io.vaestream.schemas.ImageStatistics;
import io.vaestream.schemas.ModelFiles;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.TrainerVersion;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.score.MapScale;
import io.vaestream.trainer.score.MemoryBank;
import io.vaestream.trainer.score.ScoreDefinition;
import io.vaestream.trainer.score.ScoreParts;
import io.vaestream.trainer.score.ScoreSelector;
import io.vaestream.trainer.score.Threshold;
import io.vaestream.trainer.score.TransformClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a trained {@link VaeModel} into a deployable model file: chooses the score on validation
 * data, calibrates the threshold on held-out normals, stores golden samples and provenance in the
 * metadata, exports to ONNX and refuses to finish unless ONNX Runtime reproduces the trainer.
 */
public final class ModelPackager {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int GOLDEN_PER_KIND = 4;

  private ModelPackager() {}

  /** Where the model came from: written into its metadata. */
  public record Provenance(
      String name, String version, ImageDataset trainingData, String normalClasses) {}

  /**
   * A packaged model: the ONNX bytes and what went into them.
   *
   * @param mapScale what the anomaly map measures against, or null for the plain map
   */
  public record PackagedModel(
      byte[] onnx,
      Map<String, String> metadata,
      ScoreSelector.Selection selection,
      Threshold threshold,
      ParityCheck.Result parity,
      MapScale mapScale) {

    public ScoreDefinition score() {
      return selection.chosen();
    }

    public String sha256() {
      return ModelFiles.sha256(onnx);
    }

    /**
     * Writes {@code model.onnx}, {@code model.onnx.sha256} and {@code model.json} (the metadata,
     * readable) into {@code dir}; the ONNX file is written atomically.
     */
    public Path write(Path dir) throws IOException {
      Files.createDirectories(dir);
      Path model = dir.resolve("model.onnx");
      Path tmp = dir.resolve("model.onnx.tmp");
      Files.write(tmp, onnx);
      Files.move(tmp, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      ModelFiles.writeChecksum(model, onnx);
      Map<String, Object> readable = new LinkedHashMap<>();
      readable.put("file", "model.onnx");
      readable.put("sha256", sha256());
      Map<String, String> shown = new TreeMap<>(metadata);
      shown.put(
          ModelFormat.GOLDEN,
          "("
              + GoldenSamples.fromJson(metadata.get(ModelFormat.GOLDEN))
                  .samples()
                  .size() + " samples; see the ONNX metadata)");
      readable.put("metadata", shown);
      JSON.writeValue(dir.resolve("model.json").toFile(), readable);
      return model;
    }
  }

  /** How the packaged model stores its weights. */
  public enum Quantization {
    /** float32, as trained. */
    NONE,
    /** int8 dense layers ({@link Int8Quantizer}); threshold and golden samples from the int8 model. */
    INT8
  }

  /**
   * How the score is decided.
   *
   * @param kind the one-class score shipped when no validation anomalies are given
   * @param bankSize the most training normals kept in the memory bank
   * @param anomalySource where validation anomalies came from, for the metadata (null: none)
   */
  public record ScoreOptions(ScoreSelector.Kind kind, int bankSize, String anomalySource) {
    public static final int DEFAULT_BANK_SIZE = 6000;

    public static ScoreOptions oneClass() {
      return new ScoreOptions(ScoreSelector.Kind.FUSED, DEFAULT_BANK_SIZE, null);
    }
  }

  /**
   * The most an int8 model's score may differ from the float model's: relative to the score, or to
   * the spread of the float scores on held-out normals where the score is smaller than that.
   */
  public static final double INT8_MAX_SCORE_ERROR = 0.05;

  /**
   * Packages {@code model}. With {@link Quantization#INT8} the float export is checked against the
   * trainer first, then quantised, and the int8 model's scores are checked against the float ones
   * ({@link #INT8_MAX_SCORE_ERROR}); it is calibrated and given golden samples of its own.
   *
   * @param train the normal images the model was trained on: the memory bank is drawn from them
   * @param calibration held-out normal images, never trained on
   * @param anomalies validation anomalies; when not empty the score is chosen with them
   *     (semi-supervised), else it is {@code options.kind()} (one-class)
   */
  public static PackagedModel build(
      VaeModel model,
      ImageDataset train,
      ImageDataset calibration,
      ImageDataset anomalies,
      ScoreOptions options,
      double targetFalseAlarmRate,
      Provenance provenance,
      Quantization quantization) {
    if (calibration.isEmpty()) {
      throw new IllegalArgumentException("no held-out normal images to calibrate on");
    }
    boolean semi = anomalies != null && !anomalies.isEmpty();
    // One forward pass serves score choice, calibration, golden samples and the parity reference.
    ImageDataset check = semi ? calibration.concat(anomalies, "parity") : calibration;
    VaeModel.Forward forward = model.forward(check.pixels(), check.size());
    MemoryBank bank = semi || options.kind() != ScoreSelector.Kind.VAE
        ? MemoryBank.of(
            train, options.bankSize(), model.config().seed(), options.kind().shapeOnly())
        : null;
    MapScale mapScale = MapScale.suits(model.contract())
        ? MapScale.of(model, train, model.config().seed())
        : null;
    TransformClassifier transforms = semi
        ? null
        : TransformClassifier.tried(
            options.kind(), train, options.bankSize(), model.config().seed());
    ScoreParts parts = ScoreParts.of(
            model.contract(), forward, check.pixels(), check.size(), bank, mapScale)
        .withTransforms(transforms, check.pixels());
    ScoreParts normals = parts.slice(0, calibration.size());
    ScoreSelector.Selection selection = semi
        ? ScoreSelector.semiSupervised(
            normals, parts.slice(calibration.size(), check.size()), options.anomalySource())
        : ScoreSelector.oneClass(options.kind(), normals);
    ScoreDefinition score = selection.chosen();
    double[] normalScores = ScoreSelector.scores(score, normals);
    Threshold threshold = Threshold.calibrate(normalScores, targetFalseAlarmRate);

    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(ModelFormat.NAME, provenance.name());
    meta.put(ModelFormat.VERSION, provenance.version());
    meta.put(ModelFormat.TRAINER_VERSION, TrainerVersion.get());
    meta.put(ModelFormat.CREATED, Instant.now().toString());
    meta.put(
        ModelFormat.TRAINING,
        json(Map.of("config", model.config(), "epochs_done", model.epochsDone())));
    meta.put(ModelFormat.SCORE_PROTOCOL, selection.protocol());
    meta.put(ModelFormat.SCORE_SELECTION, json(selection.candidates()));
    meta.put(ModelFormat.THRESHOLD, Double.toString(threshold.value()));
    meta.put(ModelFormat.THRESHOLD_TARGET_FAR, Double.toString(threshold.targetFalseAlarmRate()));
    meta.put(ModelFormat.THRESHOLD_QUANTILES, json(threshold.quantiles()));
    meta.put(ModelFormat.THRESHOLD_CALIBRATION_SIZE, Integer.toString(threshold.calibrationSize()));
    meta.put(ModelFormat.THRESHOLD_FAR_RANGE, json(threshold.falseAlarmRange()));
    meta.put(
        ModelFormat.CALIBRATION_PROFILE,
        profile(normalScores, check, calibration.size()).toJson());
    meta.put(
        ModelFormat.PIXEL_THRESHOLD,
        Double.toString(pixelThreshold(normals, targetFalseAlarmRate)));
    if (threshold.warning() != null) {
      meta.put(ModelFormat.THRESHOLD_WARNING, threshold.warning());
    }
    meta.put(ModelFormat.DATA_DESCRIPTION, provenance.trainingData().toString());
    meta.put(ModelFormat.DATA_SHA256, provenance.trainingData().sha256());
    meta.put(ModelFormat.DATA_NORMAL_CLASSES, provenance.normalClasses());
    meta.put(ModelFormat.GOLDEN, golden(check, parts, calibration.size(), score).toJson());

    ModelProto proto =
        OnnxExporter.export(model, score, bank, mapScale, transforms, meta, provenance.version());
    ParityCheck.Reference reference =
        new ParityCheck.Reference(model.contract(), forward, parts, score, mapScale);
    ParityCheck.Result parity =
        ParityCheck.require(proto.toByteArray(), reference, check.pixels(), check.size());
    String parityJson = json(Map.of(
        "images",
        parity.images(),
        "tolerance",
        ParityCheck.TOLERANCE,
        "max_error",
        parity.maxError()));
    ModelProto withParity = proto.toBuilder()
        .addMetadataProps(
            StringStringEntryProto.newBuilder().setKey(ModelFormat.PARITY).setValue(parityJson))
        .build();
    if (quantization == Quantization.INT8) {
      return Int8Packaging.packaged(
          withParity,
          check,
          ScoreSelector.scores(score, parts),
          calibration.size(),
          targetFalseAlarmRate,
          selection,
          parity,
          mapScale);
    }
    Map<String, String> all = new LinkedHashMap<>();
    withParity.getMetadataPropsList().forEach(e -> all.put(e.getKey(), e.getValue()));
    return new PackagedModel(withParity.toByteArray(), all, selection, threshold, parity, mapScale);
  }

  /**
   * The calibration profile of the first {@code normals} images of {@code images} (the held-out
   * normals), whose shipped scores are {@code scores}: what the detector's drift monitor compares
   * its traffic with.
   */
  static CalibrationProfile profile(double[] scores, ImageDataset images, int normals) {
    int size = images.contract().size();
    double[] mean = new double[normals];
    double[] contrast = new double[normals];
    for (int i = 0; i < normals; i++) {
      ImageStatistics st = ImageStatistics.of(images.pixels(), i * size, size);
      mean[i] = st.meanIntensity();
      contrast[i] = st.contrast();
    }
    return CalibrationProfile.of(Map.of(
        CalibrationProfile.SCORE,
        Arrays.copyOf(scores, normals),
        CalibrationProfile.MEAN_INTENSITY,
        mean,
        CalibrationProfile.CONTRAST,
        contrast));
  }

  /**
   * The pixel threshold: the conformal threshold of the held-out normals' map peaks, so that the map
   * of a normal image rises above it anywhere with probability at most the target false-alarm rate.
   */
  static double pixelThreshold(ScoreParts normals, double targetFalseAlarmRate) {
    return Threshold.calibrate(normals.mapPeaks(), targetFalseAlarmRate).value();
  }

  /** Tolerance of an int8 model's golden samples: integer kernels differ between CPUs (VNNI, AMX or neither). */
  static final double INT8_GOLDEN_TOLERANCE = 1e-3;

  /** Up to {@value #GOLDEN_PER_KIND} held-out normals and as many validation anomalies, with their outputs. */
  private static GoldenSamples golden(
      ImageDataset check, ScoreParts parts, int normals, ScoreDefinition score) {
    List<GoldenSamples.Sample> samples = new ArrayList<>();
    int[] starts = {0, normals};
    int[] ends = {normals, check.size()};
    for (int kind = 0; kind < 2; kind++) {
      for (int i = starts[kind]; i < Math.min(ends[kind], starts[kind] + GOLDEN_PER_KIND); i++) {
        samples.add(GoldenSamples.Sample.of(
            check.image(i),
            parts.reconstructionError(score.reconstruction(), i),
            parts.kl()[i],
            score.score(parts, i)));
      }
    }
    return new GoldenSamples(ParityCheck.TOLERANCE, samples);
  }

  static String json(Object o) {
    try {
      return new ObjectMapper().writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + o, e);
    }
  }
}
