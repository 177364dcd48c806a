package io.vaestream.detector.scoring;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import io.vaestream.detector.localize.Localizer;
import io.vaestream.schemas.CalibrationProfile;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ModelFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores images with an exported vaestream model in ONNX Runtime.
 *
 * <p>Opening the scorer is its self-check: the file must exist and match its recorded SHA-256, it
 * must load, declare the expected input and outputs, carry an image contract equal to the one the
 * detector is configured for, and reproduce its golden samples. Any failure refuses to start with
 * a {@link ScorerException} that says what is wrong. The checks of the file and of the loaded
 * model are {@link ModelChecks}.
 */
public final class OnnxScorer implements Scorer {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxScorer.class);
  private static final Set<String> SCORE_OUTPUTS =
      Set.of(ModelFormat.RECONSTRUCTION_ERROR, ModelFormat.KL, ModelFormat.SCORE);
  private static final Set<String> SCORE_AND_MAP_OUTPUTS = Set.of(
      ModelFormat.RECONSTRUCTION_ERROR, ModelFormat.KL, ModelFormat.SCORE, ModelFormat.ANOMALY_MAP);

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final SessionOptions options;
  private final OrtSession session;
  private final ImageContract contract;
  private final Map<String, String> metadata;
  private final String device;
  private final String sha256;
  private final NativeObjects nativeObjects = new NativeObjects();
  /**
   * Each scoring thread's input buffer, off the heap and in native order, which ONNX Runtime reads
   * in place. A heap array would be copied into a fresh direct buffer on every call: zeroed pages
   * and a Cleaner per batch (6 % of the detector's CPU in the profile before this buffer). Shared by
   * every scorer: a buffer per scorer would leave one behind in each thread at every model swap
   * until the GC found it (+7 % resident set over 100 swaps, measured).
   */
  private static final ThreadLocal<FloatBuffer> INPUTS = ThreadLocal.withInitial(() -> direct(0));

  private volatile double threshold;
  /** Null for models written before anomaly maps, without a pixel threshold, or with maps switched off. */
  private volatile Localizer localizer;
  /** Null for models written before calibration profiles. */
  private final CalibrationProfile profile;

  private OnnxScorer(SessionOptions options, OrtSession session, String device, String sha256)
      throws OrtException {
    this.options = options;
    this.session = session;
    this.device = device;
    this.sha256 = sha256;
    this.metadata = session.getMetadata().getCustomMetadata();
    this.contract = ImageContract.fromMetadata(metadata);
    this.threshold = parseThreshold(metadata);
    this.localizer = session.getOutputNames().contains(ModelFormat.ANOMALY_MAP)
            && metadata.containsKey(ModelFormat.PIXEL_THRESHOLD)
        ? new Localizer(contract, Double.parseDouble(metadata.get(ModelFormat.PIXEL_THRESHOLD)))
        : null;
    this.profile = parseProfile(metadata);
  }

  /** Loads and checks a model for {@code device}, one intra-op thread, nothing expected beyond its own checks. */
  public static OnnxScorer open(Path model, Device device) {
    return open(model, ScorerOptions.on(device));
  }

  /**
   * Loads and checks a model: its SHA-256 (against {@code options}, else its {@code .sha256} file),
   * signature, image contract and golden samples. Throws {@link ScorerException} naming the file and
   * what is wrong with it, and leaves nothing open.
   */
  public static OnnxScorer open(Path model, ScorerOptions options) {
    byte[] bytes = ModelChecks.read(model);
    String want = ModelChecks.expectedSha256(model, options);
    return load(
        model.toString(), bytes, ModelChecks.checkSha256(model.toString(), bytes, want), options);
  }

  /**
   * As {@link #open(Path, ScorerOptions)}, for a model held in memory (one published on a topic);
   * {@code source} names it in messages, and its SHA-256 is checked against {@code options} only.
   */
  public static OnnxScorer open(String source, byte[] bytes, ScorerOptions options) {
    return load(
        source, bytes, ModelChecks.checkSha256(source, bytes, options.expectedSha256()), options);
  }

  private static OnnxScorer load(String model, byte[] bytes, String sha256, ScorerOptions options) {
    Device device = options.device();
    ImageContract expected = options.expectedContract();
    int threads = options.threads();
    SessionOptions opts = new SessionOptions();
    OrtSession session = null;
    try {
      opts.setIntraOpNumThreads(threads);
      opts.addConfigEntry("session.intra_op.allow_spinning", "0");
      String used = configureDevice(opts, device);
      session = OrtEnvironment.getEnvironment().createSession(bytes, opts);
      OnnxScorer s = new OnnxScorer(opts, session, used, sha256);
      ModelChecks.checkSignature(session, model);
      if (expected != null && !expected.sameTensor(s.contract)) {
        throw new ScorerException(model + ": the model expects " + s.contract
            + " images but the detector is " + "configured for " + expected);
      }
      ModelChecks.checkGolden(s, model);
      LOG.info(
          "loaded model {} ({} v{}) on {}: input {}, threshold {}, {} weights, {}",
          model,
          s.modelName(),
          s.modelVersion(),
          used,
          s.contract,
          s.threshold,
          s.metadata.containsKey(ModelFormat.QUANTIZATION) ? "int8" : "float32",
          s.localizer != null
              ? "anomaly maps (pixel threshold " + s.localizer.pixelThreshold() + ")"
              : "no anomaly maps");
      return s;
    } catch (OrtException e) {
      closeQuietly(session, opts);
      throw new ScorerException(
          model + ": ONNX Runtime cannot load the model: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(session, opts);
      if (e instanceof ScorerException) {
        throw e;
      }
      throw new ScorerException(model + ": " + e.getMessage(), e);
    }
  }

  @Override
  public ScoreBatch score(float[] tensors, int count) {
    int n = count * contract.size();
    FloatBuffer input = INPUTS.get();
    if (input.capacity() < n) {
      input = direct(n);
      INPUTS.set(input);
    }
    input.clear();
    input.put(tensors, 0, n).flip();
    boolean maps = localizer != null;
    try (var in = nativeObjects.track(OnnxTensor.createTensor(env, input, contract.shape(count)));
        var out = nativeObjects.track(session.run(
            Map.of(ModelFormat.INPUT, in.value()), maps ? SCORE_AND_MAP_OUTPUTS : SCORE_OUTPUTS))) {
      return new ScoreBatch(
          floats(out.value(), ModelFormat.RECONSTRUCTION_ERROR),
          floats(out.value(), ModelFormat.KL),
          floats(out.value(), ModelFormat.SCORE),
          maps ? floats(out.value(), ModelFormat.ANOMALY_MAP) : null);
    } catch (OrtException e) {
      throw new ScorerException(
          "ONNX Runtime failed to score a batch of " + count + ": " + e.getMessage(), e);
    }
  }

  private static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(floats * Float.BYTES)
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  /** The ONNX Runtime tensors and results this scorer has created and closed. */
  @Override
  public NativeObjects nativeObjects() {
    return nativeObjects;
  }

  @Override
  public ImageContract contract() {
    return contract;
  }

  @Override
  public double threshold() {
    return threshold;
  }

  @Override
  public Localizer localizer() {
    return localizer;
  }

  @Override
  public void disableLocalization() {
    if (localizer != null) {
      LOG.info(
          "anomaly maps switched off (localization=false): flagged events carry no localization");
    }
    localizer = null;
  }

  /** Overrides the model's threshold at run time, without reloading the model. */
  public void setThreshold(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          "threshold=" + value + " is invalid: expected a finite number");
    }
    LOG.info("threshold set to {} (model's own: {})", value, metadata.get(ModelFormat.THRESHOLD));
    this.threshold = value;
  }

  @Override
  public String modelName() {
    return metadata.getOrDefault(ModelFormat.NAME, "unnamed");
  }

  @Override
  public String modelVersion() {
    return metadata.getOrDefault(ModelFormat.VERSION, "0");
  }

  /** The execution provider in use: {@code cuda} or {@code cpu}. */
  @Override
  public String sha256() {
    return sha256;
  }

  @Override
  public double targetFalseAlarmRate() {
    try {
      return Double.parseDouble(metadata.getOrDefault(ModelFormat.THRESHOLD_TARGET_FAR, "NaN"));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  @Override
  public String device() {
    return device;
  }

  @Override
  public CalibrationProfile calibrationProfile() {
    return profile;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public void close() {
    closeQuietly(session, options);
  }

  private static String configureDevice(SessionOptions opts, Device device) throws OrtException {
    if (device == Device.CPU) {
      return "cpu";
    }
    try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(0)) {
      // ONNX Runtime's CUDA provider rounds float32 matrix products and convolutions to TF32
      // (10-bit mantissas) by default on Ampere and later GPUs. Scores would then move by about
      // 1e-3 of themselves, ten times the golden samples' tolerance, and every model would be
      // refused; these models are small, so full float32 costs little.
      cuda.add("use_tf32", "0");
      opts.addCUDA(cuda);
      return "cuda";
    } catch (OrtException | RuntimeException | LinkageError e) {
      if (device == Device.CUDA) {
        throw new ScorerException(
            "device=cuda but the CUDA execution provider is unavailable: " + e.getMessage(), e);
      }
      LOG.warn("CUDA execution provider unavailable ({}); scoring on the CPU", e.getMessage());
      return "cpu";
    }
  }

  /** The model's calibration profile, null when it has none; a malformed one refuses the model. */
  private static CalibrationProfile parseProfile(Map<String, String> metadata) {
    String json = metadata.get(ModelFormat.CALIBRATION_PROFILE);
    if (json == null) {
      return null;
    }
    try {
      return CalibrationProfile.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new ScorerException(
          "model metadata " + ModelFormat.CALIBRATION_PROFILE + ": " + e.getMessage(), e);
    }
  }

  private static double parseThreshold(Map<String, String> metadata) {
    String t = metadata.get(ModelFormat.THRESHOLD);
    if (t == null) {
      throw new ScorerException("model has no " + ModelFormat.THRESHOLD + " in its metadata");
    }
    double v;
    try {
      v = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new ScorerException(
          "model metadata " + ModelFormat.THRESHOLD + "=" + t + " is not a number", e);
    }
    if (!Double.isFinite(v)) {
      // NaN would pass every image as normal, and infinity would too
      throw new ScorerException(
          "model metadata " + ModelFormat.THRESHOLD + "=" + t + " is not a finite number");
    }
    return v;
  }

  private static float[] floats(OrtSession.Result out, String name) throws OrtException {
    FloatBuffer fb = ((OnnxTensor) out.get(name).orElseThrow()).getFloatBuffer();
    if (fb.hasArray() && fb.arrayOffset() == 0 && fb.remaining() == fb.array().length) {
      // a fresh heap copy of the output, ours to keep: no second copy (the maps are 200 KB a
      // batch of 64 at 28 x 28)
      return fb.array();
    }
    float[] v = new float[fb.remaining()];
    fb.get(v);
    return v;
  }

  private static void closeQuietly(OrtSession session, SessionOptions opts) {
    try {
      if (session != null) {
        session.close();
      }
    } catch (OrtException e) {
      LOG.warn("closing the ONNX Runtime session failed", e);
    }
    opts.close();
  }
}
