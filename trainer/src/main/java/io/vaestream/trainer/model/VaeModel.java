package io.vaestream.trainer.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ModelFiles;
import io.vaestream.trainer.data.Batches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A VAE with weights: the SameDiff training graph plus its description. This is the trainer's own
 * forward pass, the reference that the ONNX export must reproduce.
 */
public final class VaeModel {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String GRAPH_FILE = "graph.sd";
  static final String STATE_FILE = "state.json";
  private static final int EVAL_BATCH = 500;

  private final VaeConfig config;
  private final VaeSpec spec;
  private final SameDiff graph;
  private int epochsDone;
  private SameDiff decoder;

  /** A model holds the batch it trains with: an automatic one is fixed here, for its images. */
  VaeModel(VaeConfig config, ImageContract contract, SameDiff graph, int epochsDone) {
    this.config = config.resolvedFor(contract);
    this.spec = VaeSpec.of(this.config, contract);
    this.graph = graph;
    this.epochsDone = epochsDone;
  }

  /** A freshly initialised, untrained model. */
  public static VaeModel initialise(VaeConfig config, ImageContract contract) {
    VaeSpec spec = VaeSpec.of(config, contract);
    SameDiff sd =
        VaeGraph.training(spec, VaeGraph.initialParameters(spec, config.seed()), config.beta());
    return new VaeModel(config, contract, sd, 0);
  }

  public VaeConfig config() {
    return config;
  }

  /**
   * These weights scored over {@code draws} latent points ({@link VaeConfig#posteriorDraws}): the
   * draws change how an image is scored, not what was learnt, so one checkpoint serves both.
   */
  public VaeModel withPosteriorDraws(int draws) {
    return new VaeModel(config.withPosteriorDraws(draws), contract(), graph, epochsDone);
  }

  public VaeSpec spec() {
    return spec;
  }

  public ImageContract contract() {
    return spec.contract();
  }

  public int epochsDone() {
    return epochsDone;
  }

  void setEpochsDone(int epochs) {
    this.epochsDone = epochs;
    this.decoder = null;
  }

  SameDiff graph() {
    return graph;
  }

  /** Current weights by variable name ({@link VaeGraph#weight}, {@link VaeGraph#bias}). */
  public Map<String, INDArray> parameters() {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (LayerSpec l : VaeGraph.allLayers(spec)) {
      String name = l.name();
      if (name != null) {
        out.put(VaeGraph.weight(name), graph.getArrForVarName(VaeGraph.weight(name)));
        out.put(VaeGraph.bias(name), graph.getArrForVarName(VaeGraph.bias(name)));
      }
    }
    return out;
  }

  /**
   * The deterministic forward pass over {@code count} images: decoded at z = μ and at the model's
   * fixed posterior draws ({@link #posteriorNoise}). With a {@link Restoration}, every image is
   * also restored from each of its turns. BCE, MSE and KL are their means over the draws and turns,
   * and {@link Forward#restored} holds every reconstruction; {@link Forward#reconstruction}, μ and
   * log σ² are the upright image's at z = μ.
   */
  public Forward forward(float[] pixels, int count) {
    int n = contract().size();
    int latent = spec.latentDim();
    int transforms = config.restoration().transforms();
    float[][] noise = posteriorNoise();
    int versions = transforms * noise.length;
    Forward out = new Forward(count, n, latent, versions);
    int per = Batches.of(contract(), EVAL_BATCH);
    NativeMemory memory = new NativeMemory();
    float[] turned = transforms > 1 ? new float[Math.min(per, count) * n] : null;
    for (int start = 0; start < count; start += per) {
      int b = Math.min(per, count - start);
      float[] batch = Arrays.copyOfRange(pixels, start * n, (start + b) * n);
      INDArray target = Nd4j.create(batch, contract().shape(b), 'c');
      for (int t = 0; t < transforms; t++) {
        INDArray x = target;
        if (t > 0) {
          for (int i = 0; i < b; i++) {
            Restoration.rotate(batch, i * n, contract(), t, turned, i * n);
          }
          x = Nd4j.create(Arrays.copyOf(turned, b * n), contract().shape(b), 'c');
        }
        for (int k = 0; k < noise.length; k++) {
          INDArray eps = rows(noise[k], b);
          Map<String, INDArray> r = graph.output(
              Map.of(VaeGraph.INPUT, x, VaeGraph.TARGET, target, VaeGraph.EPS, eps),
              VaeGraph.RECONSTRUCTION,
              VaeGraph.MEAN,
              VaeGraph.LOG_VAR,
              VaeGraph.BCE,
              VaeGraph.MSE,
              VaeGraph.KL);
          if (t == 0 && k == 0) {
            copy(r.get(VaeGraph.RECONSTRUCTION), out.reconstruction, start * n);
            copy(r.get(VaeGraph.MEAN), out.mean, start * latent);
            copy(r.get(VaeGraph.LOG_VAR), out.logVar, start * latent);
          }
          // draw after draw, each with its turns: the order the exported graph stacks them in
          copy(r.get(VaeGraph.RECONSTRUCTION), out.restored[k * transforms + t], start * n);
          accumulate(r.get(VaeGraph.BCE), out.bce, start, versions);
          accumulate(r.get(VaeGraph.MSE), out.mse, start, versions);
          accumulate(r.get(VaeGraph.KL), out.kl, start, versions);
          eps.close();
        }
        if (x != target) {
          x.close(); // target is every turn's target still
        }
      }
      target.close();
      memory.check();
    }
    return out;
  }

  /**
   * The ε of each latent point an image is scored at ({@link VaeConfig#posteriorDraws}): zeros
   * first (z = μ), then standard normal draws seeded by the config's seed, fixed for the model's
   * life; the exported graph holds the same values.
   */
  public float[][] posteriorNoise() {
    float[][] eps = new float[config.posteriorDraws()][spec.latentDim()];
    Random rnd = new Random(config.seed());
    for (int k = 1; k < eps.length; k++) {
      for (int j = 0; j < eps[k].length; j++) {
        eps[k][j] = (float) rnd.nextGaussian();
      }
    }
    return eps;
  }

  /** {@code eps} repeated for {@code count} images. */
  private static INDArray rows(float[] eps, int count) {
    float[] rows = new float[count * eps.length];
    for (int i = 0; i < count; i++) {
      System.arraycopy(eps, 0, rows, i * eps.length, eps.length);
    }
    return Nd4j.create(rows, new long[] {count, eps.length}, 'c');
  }

  /** Adds {@code src / versions} to {@code dst} from {@code offset}: a mean over the versions. */
  private static void accumulate(INDArray src, float[] dst, int offset, int versions) {
    float[] v = src.castTo(DataType.FLOAT).data().asFloat();
    for (int i = 0; i < src.length(); i++) {
      dst[offset + i] += versions == 1 ? v[i] : v[i] / versions;
    }
  }

  /** Decodes {@code count} latent vectors into images: the generative direction. */
  public float[] decode(float[] z, int count) {
    if (decoder == null) {
      decoder = VaeGraph.decoder(spec, parameters());
    }
    INDArray in = Nd4j.create(z, new long[] {count, spec.latentDim()}, 'c');
    INDArray out = decoder.outputSingle(Map.of(VaeGraph.Z, in), VaeGraph.RECONSTRUCTION);
    return out.castTo(DataType.FLOAT).data().asFloat();
  }

  /** Decodes {@code count} draws of z ~ N(0, I) (seeded): new images from the prior. */
  public List<float[]> samplePrior(int count, long seed) {
    Random rnd = new Random(seed);
    float[] z = new float[count * spec.latentDim()];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) rnd.nextGaussian();
    }
    float[] images = decode(z, count);
    int n = contract().size();
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(Arrays.copyOfRange(images, i * n, (i + 1) * n));
    }
    return out;
  }

  /**
   * Writes a resumable checkpoint: the graph with its Adam state, and the run's settings, which
   * name the graph by its SHA-256. Each file is written aside and moved into place whole; the
   * settings go last, so that a save cut between the two moves leaves the new graph and its settings
   * aside, where {@link #load} finds them (it trained an epoch again).
   */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path graphTmp = dir.resolve(GRAPH_FILE + ".tmp");
    graph.save(graphTmp.toFile(), true);
    Path stateTmp = dir.resolve(STATE_FILE + ".tmp");
    JSON.writeValue(
        stateTmp.toFile(), new State(config, contract(), epochsDone, ModelFiles.sha256(graphTmp)));
    move(graphTmp, dir.resolve(GRAPH_FILE));
    move(stateTmp, dir.resolve(STATE_FILE));
  }

  private static void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads a checkpoint written by {@link #save}. */
  public static VaeModel load(Path dir) throws IOException {
    Path state = dir.resolve(STATE_FILE);
    Path graphFile = dir.resolve(GRAPH_FILE);
    if (!Files.isRegularFile(state) || !Files.isRegularFile(graphFile)) {
      throw new IOException(
          dir + ": not a checkpoint (needs " + STATE_FILE + " and " + GRAPH_FILE + ")");
    }
    State s = JSON.readValue(state.toFile(), State.class);
    if (s.graphSha256() != null) {
      String graphSha = ModelFiles.sha256(graphFile);
      if (!s.graphSha256().equals(graphSha)) {
        Path aside = dir.resolve(STATE_FILE + ".tmp");
        State next =
            Files.isRegularFile(aside) ? JSON.readValue(aside.toFile(), State.class) : null;
        if (next == null || !graphSha.equals(next.graphSha256())) {
          throw new IOException(dir + ": " + GRAPH_FILE + " is not the graph " + STATE_FILE
              + " describes, and no saved settings match it; train afresh");
        }
        s = next; // the save was cut after the graph was in place: these are its settings
      }
    }
    SameDiff sd = SameDiff.load(graphFile.toFile(), true);
    return new VaeModel(s.config(), s.contract(), sd, s.epochsDone());
  }

  /** @param graphSha256 the graph file's; null in checkpoints written before it was kept */
  record State(VaeConfig config, ImageContract contract, int epochsDone, String graphSha256) {}

  private static void copy(INDArray src, float[] dst, int offset) {
    float[] v = src.castTo(DataType.FLOAT).data().asFloat();
    System.arraycopy(v, 0, dst, offset, (int) src.length());
  }

  /** Per-image outputs of the deterministic forward pass, flat arrays image after image. */
  public static final class Forward {
    public final int count;
    public final float[] reconstruction;
    public final float[] mean;
    public final float[] logVar;
    public final float[] bce;
    public final float[] mse;
    public final float[] kl;
    /**
     * The reconstruction of each image at each posterior draw and from each transform of it
     * ({@link Restoration}), draw after draw: {@code restored[0]} is {@link #reconstruction}.
     */
    public final float[][] restored;

    public Forward(int count, int imageSize, int latent) {
      this(count, imageSize, latent, 1);
    }

    Forward(int count, int imageSize, int latent, int versions) {
      this(
          count,
          new float[count * imageSize],
          new float[count * latent],
          new float[count * latent],
          new float[count],
          new float[count],
          new float[count],
          restoredArrays(count * imageSize, versions));
    }

    private static float[][] restoredArrays(int size, int versions) {
      float[][] r = new float[versions][];
      for (int t = 1; t < versions; t++) {
        r[t] = new float[size];
      }
      return r;
    }

    private Forward(
        int count,
        float[] reconstruction,
        float[] mean,
        float[] logVar,
        float[] bce,
        float[] mse,
        float[] kl,
        float[][] restored) {
      this.count = count;
      this.reconstruction = reconstruction;
      this.mean = mean;
      this.logVar = logVar;
      this.bce = bce;
      this.mse = mse;
      this.kl = kl;
      this.restored = restored;
      restored[0] = reconstruction;
    }

    /** The outputs of images {@code from} (inclusive) to {@code to} (exclusive), copied. */
    public Forward slice(int from, int to) {
      int image = reconstruction.length / Math.max(1, count);
      int latent = mean.length / Math.max(1, count);
      float[][] r = new float[restored.length][];
      for (int t = 1; t < r.length; t++) {
        r[t] = Arrays.copyOfRange(restored[t], from * image, to * image);
      }
      return new Forward(
          to - from,
          Arrays.copyOfRange(reconstruction, from * image, to * image),
          Arrays.copyOfRange(mean, from * latent, to * latent),
          Arrays.copyOfRange(logVar, from * latent, to * latent),
          Arrays.copyOfRange(bce, from, to),
          Arrays.copyOfRange(mse, from, to),
          Arrays.copyOfRange(kl, from, to),
          r);
    }
  }
}
