package io.vaestream.detector.scoring;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vaestream.schemas.GoldenSamples;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ModelFiles;
import io.vaestream.schemas.ModelFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks {@link OnnxScorer#open} runs before a model may score, each failing with a {@link
 * ScorerException} that names the model and what is wrong: the file can be read, its SHA-256 is
 * the one expected, it declares vaestream's input and outputs, and it reproduces its golden
 * samples.
 */
final class ModelChecks {
  // Logged as the scorer: the class a reader and a logging configuration know.
  private static final Logger LOG = LoggerFactory.getLogger(OnnxScorer.class);

  private ModelChecks() {}

  /** The bytes of the model file. */
  static byte[] read(Path model) {
    if (!Files.isRegularFile(model)) {
      throw new ScorerException(model + ": model file not found");
    }
    try {
      return Files.readAllBytes(model);
    } catch (IOException e) {
      throw new ScorerException(model + ": cannot read the model: " + e.getMessage(), e);
    }
  }

  /**
   * The SHA-256 {@code model} must have: the one in {@code options}, else the one in its {@code
   * .sha256} file, else null (nothing to check against).
   */
  static String expectedSha256(Path model, ScorerOptions options) {
    try {
      return options.expectedSha256() != null
          ? options.expectedSha256()
          : ModelFiles.readChecksum(model).orElse(null);
    } catch (RuntimeException e) {
      throw new ScorerException(e.getMessage(), e);
    }
  }

  /** Checks the model's bytes against {@code want} (null: nothing to check against); returns their SHA-256. */
  static String checkSha256(String model, byte[] bytes, String want) {
    String actual;
    try {
      actual = ModelFiles.requireSha256(model, bytes, want, null);
    } catch (IllegalArgumentException e) {
      throw new ScorerException(e.getMessage(), e);
    }
    LOG.info(
        "model {} sha256 {}{}",
        model,
        actual,
        want == null ? " (no checksum to verify against)" : " (verified)");
    return actual;
  }

  /** The session has the input and every output of a vaestream model ({@link ModelFormat}). */
  static void checkSignature(OrtSession session, String model) throws OrtException {
    if (!session.getInputNames().contains(ModelFormat.INPUT)) {
      throw new ScorerException(model + ": has no input '" + ModelFormat.INPUT + "' (inputs: "
          + session.getInputNames() + ")");
    }
    for (String out : ModelFormat.OUTPUTS) {
      if (!session.getOutputNames().contains(out)) {
        throw new ScorerException(
            model + ": has no output '" + out + "'; is it a vaestream model?");
      }
    }
  }

  private static void checkLength(String model, String output, float[] v, int images, int each) {
    if (v.length != images * each) {
      throw new ScorerException(String.format(
          Locale.ROOT,
          "%s: output '%s' has %d values for %d images; expected %d (%d per image)",
          model,
          output,
          v.length,
          images,
          images * each,
          each));
    }
  }

  /** The scorer reproduces the golden samples the model carries, within their tolerance. */
  static void checkGolden(OnnxScorer scorer, String model) {
    String json = scorer.metadata().get(ModelFormat.GOLDEN);
    if (json == null) {
      throw new ScorerException(model + ": carries no golden samples (" + ModelFormat.GOLDEN + ")");
    }
    GoldenSamples golden = GoldenSamples.fromJson(json);
    float[] x;
    try {
      x = golden.inputs(scorer.contract().size());
    } catch (IllegalArgumentException e) {
      throw new ScorerException(model + ": " + e.getMessage(), e);
    }
    int n = golden.samples().size();
    ScoreBatch b = scorer.score(x, n);
    // a model whose outputs do not have one value per image (one map per image) would fail on the
    // stream thread, batch after batch
    checkLength(model, ModelFormat.RECONSTRUCTION_ERROR, b.reconstructionError(), n, 1);
    checkLength(model, ModelFormat.KL, b.kl(), n, 1);
    checkLength(model, ModelFormat.SCORE, b.score(), n, 1);
    if (b.maps() != null) {
      ImageContract c = scorer.contract();
      checkLength(model, ModelFormat.ANOMALY_MAP, b.maps(), n, c.width() * c.height());
    }
    List<Integer> bad = golden.mismatches(b.reconstructionError(), b.kl(), b.score());
    if (!bad.isEmpty()) {
      int i = bad.get(0);
      throw new ScorerException(String.format(
          Locale.ROOT,
          "%s: golden sample %d does not reproduce: expected score %.6g, got %.6g (tolerance %.0e; %d of %d samples "
              + "differ)",
          model,
          i,
          golden.samples().get(i).score(),
          b.score()[i],
          golden.tolerance(),
          bad.size(),
          golden.samples().size()));
    }
  }
}
