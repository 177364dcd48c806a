package io.vaestream.trainer.model;

import io.vaestream.trainer.model.LayerSpec.Activation;
import io.vaestream.trainer.model.LayerSpec.Conv;
import io.vaestream.trainer.model.LayerSpec.Deconv;
import io.vaestream.trainer.model.LayerSpec.Dense;
import io.vaestream.trainer.model.LayerSpec.Reshape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds SameDiff graphs from a {@link VaeSpec}.
 *
 * <p>The training graph takes the images {@value #INPUT}, what their reconstruction should be
 * {@value #TARGET} (the same images, or their upright versions) and the noise {@value #EPS} as
 * placeholders. Feeding ε from Java (seeded) rather than drawing it inside the graph keeps a run
 * reproducible; feeding zeros makes z = μ, which is how every score is computed.
 */
public final class VaeGraph {
  public static final String INPUT = "input";
  /** What the reconstruction is compared with: the input itself, or its upright version ({@link Restoration}). */
  public static final String TARGET = "target";

  public static final String EPS = "eps";
  public static final String Z = "z";
  public static final String MEAN = "z_mean";
  public static final String LOG_VAR = "z_log_var";
  public static final String LOGITS = "logits";
  public static final String RECONSTRUCTION = "reconstruction";
  public static final String BCE = "bce";
  public static final String MSE = "mse";
  public static final String KL = "kl";
  public static final String LOSS = "loss";
  public static final String LOSS_RECON = "loss_reconstruction";
  public static final String LOSS_KL = "loss_kl";

  private VaeGraph() {}

  /** The names of a layer's weight and bias variables. */
  public static String weight(String layer) {
    return layer + "_W";
  }

  public static String bias(String layer) {
    return layer + "_b";
  }

  /** Fresh, seeded weights for every layer of {@code spec}. */
  public static Map<String, INDArray> initialParameters(VaeSpec spec, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, INDArray> params = new LinkedHashMap<>();
    for (LayerSpec l : allLayers(spec)) {
      if (l instanceof Dense d) {
        put(params, d.name(), rnd, d.in(), d.out(), d.activation(), new long[] {d.in(), d.out()});
      } else if (l instanceof Conv c) {
        put(
            params,
            c.name(),
            rnd,
            (long) c.in() * c.kernel() * c.kernel(),
            c.out(),
            c.activation(),
            new long[] {c.kernel(), c.kernel(), c.in(), c.out()});
      } else if (l instanceof Deconv c) {
        put(
            params,
            c.name(),
            rnd,
            (long) c.in() * c.kernel() * c.kernel() / ((long) c.stride() * c.stride()),
            c.out(),
            c.activation(),
            new long[] {c.kernel(), c.kernel(), c.out(), c.in()});
      }
    }
    // A damped log-variance head starts every σ near 1, so early steps do not blow up the KL term.
    params.get(weight(spec.logVarHead().name())).muli(0.1);
    return params;
  }

  /** Every layer that carries weights, in a fixed order. */
  public static List<LayerSpec> allLayers(VaeSpec spec) {
    List<LayerSpec> all = new ArrayList<>(spec.encoder());
    all.add(spec.meanHead());
    all.add(spec.logVarHead());
    all.addAll(spec.decoder());
    return all;
  }

  /**
   * The full graph: encoder, reparameterisation, decoder, per-image scores and the loss
   * {@code mean(BCE + β·KL)}, the reconstruction compared with {@value #TARGET}.
   */
  public static SameDiff training(VaeSpec spec, Map<String, INDArray> params, double beta) {
    SameDiff sd = SameDiff.create();
    long[] shape = spec.contract().shape(-1);
    SDVariable x = sd.placeHolder(INPUT, DataType.FLOAT, shape);
    SDVariable target = sd.placeHolder(TARGET, DataType.FLOAT, shape);
    SDVariable eps = sd.placeHolder(EPS, DataType.FLOAT, -1, spec.latentDim());
    declare(sd, params);

    SDVariable h = apply(sd, spec.encoder(), x);
    SDVariable mean = apply(sd, spec.meanHead(), h).rename(MEAN);
    SDVariable logVar = apply(sd, spec.logVarHead(), h).rename(LOG_VAR);
    // z = μ + σ ⊙ ε, σ = exp(½ log σ²)
    SDVariable sigma = sd.math().exp(logVar.mul(0.5));
    SDVariable z = mean.add(sigma.mul(eps)).rename(Z);
    SDVariable logits = apply(sd, spec.decoder(), z).rename(LOGITS);
    sd.nn().sigmoid(RECONSTRUCTION, logits);

    // Binary cross-entropy from logits, stable form: softplus(l) − x·l, summed per image.
    SDVariable bce = sd.sum(BCE, sd.nn().softplus(logits).sub(target.mul(logits)), 1, 2, 3);
    SDVariable recon = sd.getVariable(RECONSTRUCTION);
    sd.mean(MSE, sd.math().square(target.sub(recon)), 1, 2, 3);
    // KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²)
    SDVariable kl = sd.sum(
            logVar.add(1.0).sub(sd.math().square(mean)).sub(sd.math().exp(logVar)), 1)
        .mul(-0.5)
        .rename(KL);
    SDVariable lossRecon = bce.mean().rename(LOSS_RECON);
    SDVariable lossKl = kl.mean().rename(LOSS_KL);
    SDVariable loss = lossRecon.add(lossKl.mul(beta)).rename(LOSS);
    sd.setLossVariables(loss);
    return sd;
  }

  /** z → reconstruction, for sampling from the prior. */
  public static SameDiff decoder(VaeSpec spec, Map<String, INDArray> params) {
    SameDiff sd = SameDiff.create();
    SDVariable z = sd.placeHolder(Z, DataType.FLOAT, -1, spec.latentDim());
    declare(sd, params);
    sd.nn().sigmoid(RECONSTRUCTION, apply(sd, spec.decoder(), z));
    return sd;
  }

  private static void declare(SameDiff sd, Map<String, INDArray> params) {
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      sd.var(e.getKey(), e.getValue().dup());
    }
  }

  private static SDVariable apply(SameDiff sd, List<LayerSpec> layers, SDVariable in) {
    SDVariable h = in;
    for (LayerSpec l : layers) {
      h = apply(sd, l, h);
    }
    return h;
  }

  private static SDVariable apply(SameDiff sd, LayerSpec layer, SDVariable in) {
    if (layer instanceof Dense d) {
      SDVariable y =
          sd.nn().linear(in, sd.getVariable(weight(d.name())), sd.getVariable(bias(d.name())));
      return activate(sd, y, d.activation());
    }
    if (layer instanceof Conv c) {
      Conv2DConfig cfg = Conv2DConfig.builder()
          .kH(c.kernel())
          .kW(c.kernel())
          .sH(c.stride())
          .sW(c.stride())
          .pH(c.pad())
          .pW(c.pad())
          .dH(1)
          .dW(1)
          .paddingMode(PaddingMode.VALID)
          .dataFormat("NCHW")
          .weightsFormat(WeightsFormat.YXIO)
          .build();
      SDVariable y = sd.cnn()
          .conv2d(in, sd.getVariable(weight(c.name())), sd.getVariable(bias(c.name())), cfg);
      return activate(sd, y, c.activation());
    }
    if (layer instanceof Deconv c) {
      DeConv2DConfig cfg = DeConv2DConfig.builder()
          .kH(c.kernel())
          .kW(c.kernel())
          .sH(c.stride())
          .sW(c.stride())
          .pH(c.pad())
          .pW(c.pad())
          .dH(1)
          .dW(1)
          .isSameMode(false)
          .dataFormat("NCHW")
          .build();
      SDVariable y = sd.cnn()
          .deconv2d(in, sd.getVariable(weight(c.name())), sd.getVariable(bias(c.name())), cfg);
      return activate(sd, y, c.activation());
    }
    long[] dims = ((Reshape) layer).dims();
    long[] shape = new long[dims.length + 1];
    shape[0] = -1;
    System.arraycopy(dims, 0, shape, 1, dims.length);
    return sd.reshape(in, shape);
  }

  private static SDVariable activate(SameDiff sd, SDVariable x, Activation a) {
    return a == Activation.RELU ? sd.nn().relu(x, 0.0) : x;
  }

  private static void put(
      Map<String, INDArray> params,
      String name,
      SplittableRandom rnd,
      long fanIn,
      long fanOut,
      Activation activation,
      long[] shape) {
    // He-uniform before a ReLU, Glorot-uniform otherwise.
    double limit =
        activation == Activation.RELU ? Math.sqrt(6.0 / fanIn) : Math.sqrt(6.0 / (fanIn + fanOut));
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    float[] w = new float[Math.toIntExact(n)];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
    }
    params.put(weight(name), Nd4j.create(w, shape, 'c'));
    params.put(bias(name), Nd4j.zeros(DataType.FLOAT, fanOut));
  }
}
