package io.vaestream.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.model.Restoration;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.model.VaeTrainer;
import io.vaestream.trainer.score.ImageFeatures;
import io.vaestream.trainer.score.MapScale;
import io.vaestream.trainer.score.MemoryBank;
import io.vaestream.trainer.score.ReconstructionKind;
import io.vaestream.trainer.score.ScoreDefinition;
import io.vaestream.trainer.score.ScoreParts;
import io.vaestream.trainer.score.ScoreSelector;
import io.vaestream.trainer.score.TransformClassifier;
import io.vaestream.trainer.testing.SyntheticImages;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The export gate: ONNX Runtime on CPU must reproduce the trainer's forward pass. */
class OnnxParityTest {

  @ParameterizedTest
  @EnumSource(VaeArchitecture.class)
  void shouldReproduceTheTrainerOnHeldOutImages(VaeArchitecture arch) throws Exception {
    ImageDataset train = SyntheticImages.squaresAndRings(96, 1);
    ImageDataset heldOut = SyntheticImages.squaresAndRings(300, 2);
    VaeConfig config =
        new VaeConfig(arch, 6, 1.0, 2, 32, 3e-3, 3L, arch == VaeArchitecture.MLP ? 64 : 8);
    VaeModel model = new VaeTrainer(s -> {}, m -> {}).fit(config, train, null);

    for (ScoreDefinition score : new ScoreDefinition[] {
      ScoreDefinition.elbo(),
      new ScoreDefinition("mse+kl", ReconstructionKind.MSE, 100, 0.5),
      ScoreDefinition.vae()
    }) {
      byte[] onnx = OnnxExporter.export(model, score, Map.of("k", "v"), "test").toByteArray();
      ParityCheck.Result r =
          ParityCheck.require(onnx, model, score, heldOut.pixels(), heldOut.size());
      System.out.println(arch + " " + score.name() + " " + r);
      assertThat(r.maxError()).containsKeys(ModelFormat.OUTPUTS.toArray(String[]::new));
      assertThat(r.worst()).isLessThanOrEqualTo(ParityCheck.TOLERANCE);
    }
  }

  /** The fused score: blur, pooling, gradient orientations and the bank search, all in the graph. */
  @ParameterizedTest
  @EnumSource(VaeArchitecture.class)
  void shouldReproduceTheFusedScoreWithItsMemoryBank(VaeArchitecture arch) throws Exception {
    VaeConfig config =
        new VaeConfig(arch, 6, 1.0, 2, 32, 3e-3, 3L, arch == VaeArchitecture.MLP ? 64 : 8);
    FusedOnSquares fused = FusedOnSquares.export(config, 300);
    ParityCheck.Result r = fused.parity();
    MemoryBank bank = fused.bank();
    ScoreParts parts = fused.parts();

    System.out.println(arch + " fused " + r);
    assertThat(r.maxError())
        .containsKeys(OnnxExporter.KNN_PIXELS, OnnxExporter.KNN_GRADIENTS, ModelFormat.SCORE);
    assertThat(r.worst()).isLessThanOrEqualTo(ParityCheck.TOLERANCE);
    assertThat(bank.size()).isEqualTo(40);
    assertThat(java.util.Arrays.stream(parts.knnPixels()).min().orElseThrow()).isNotNegative();
  }

  /**
   * The VAE's error averaged over z = μ and fixed posterior draws, with and without a restoring
   * VAE's turns: the graph stacks the draws as the trainer does, holds the same ε, and still gives
   * the reconstruction at z = μ.
   */
  @ParameterizedTest
  @EnumSource(Restoration.class)
  void shouldReproduceTheErrorAveragedOverPosteriorDraws(Restoration restoration) throws Exception {
    VaeConfig config = new VaeConfig(VaeArchitecture.MLP, 6, 1.0, 2, 32, 3e-3, 3L, 64)
        .withRestoration(restoration)
        .withPosteriorDraws(3);
    FusedOnSquares fused = FusedOnSquares.export(config, 200);
    ParityCheck.Result r = fused.parity();
    VaeModel model = fused.model();
    VaeModel.Forward f = fused.forward();
    ScoreParts parts = fused.parts();
    ImageDataset heldOut = fused.heldOut();
    byte[] onnx = fused.onnx();

    System.out.println(restoration + " draws " + r);
    assertThat(r.maxError())
        .containsKeys(ModelFormat.RECONSTRUCTION, ModelFormat.ANOMALY_MAP, ModelFormat.SCORE);
    assertThat(r.worst()).isLessThanOrEqualTo(ParityCheck.TOLERANCE);
    assertThat(f.restored.length).isEqualTo(3 * restoration.transforms());
    // the draws move the decoded image: the error is not the one at z = μ alone
    ImageFeatures features = new ImageFeatures(model.contract());
    int size = model.contract().size();
    int moved = 0;
    for (int i = 0; i < heldOut.size(); i++) {
      double atMean = ImageFeatures.mean(
          features.anomalyMap(heldOut.pixels(), i * size, f.reconstruction, i * size));
      moved += Math.abs(parts.blurredMse()[i] - atMean) > 1e-6 ? 1 : 0;
    }
    assertThat(moved).isGreaterThan(heldOut.size() / 2);
    try (OnnxModelRunner runner = OnnxModelRunner.open(onnx)) {
      assertThat(runner.metadata()).containsEntry(ModelFormat.SCORE_POSTERIOR_DRAWS, "3");
      assertThat(runner.metadata().get(ModelFormat.MAP_DEFINITION)).contains("2 fixed draws");
    }
  }

  /**
   * A colour image at 64 × 64: a deeper convolutional VAE, three-channel blur, the anomaly map, and
   * the bank's features scaled to unit length ({@code fused-shape}).
   */
  @ParameterizedTest
  @EnumSource(VaeArchitecture.class)
  void shouldReproduceAColourModelAtSixtyFourPixels(VaeArchitecture arch) throws Exception {
    ImageContract rgb64 = new ImageContract(64, 64, 3, ImageContract.Resize.RESIZE);
    ImageDataset train = SyntheticImages.tinted(SyntheticImages.squaresAndRings(48, 1))
        .filterLabels(l -> l == 0, "squares")
        .refit(rgb64);
    ImageDataset heldOut =
        SyntheticImages.tinted(SyntheticImages.squaresAndRings(24, 2)).refit(rgb64);
    VaeConfig config =
        new VaeConfig(arch, 6, 1.0, 1, 16, 3e-3, 3L, arch == VaeArchitecture.MLP ? 32 : 4);
    VaeModel model = new VaeTrainer(s -> {}, m -> {}).fit(config, train, null);
    MemoryBank bank = MemoryBank.of(train, 20, 7, true);
    VaeModel.Forward f = model.forward(heldOut.pixels(), heldOut.size());
    MapScale scale = MapScale.of(model, train, 1);
    ScoreParts parts =
        ScoreParts.of(model.contract(), f, heldOut.pixels(), heldOut.size(), bank, scale);
    ScoreDefinition fused =
        ScoreSelector.oneClass(ScoreSelector.Kind.FUSED_SHAPE, parts).chosen();

    byte[] onnx =
        OnnxExporter.export(model, fused, bank, scale, Map.of("k", "v"), "test").toByteArray();
    ParityCheck.Result r = ParityCheck.require(
        onnx,
        new ParityCheck.Reference(model.contract(), f, parts, fused, scale),
        heldOut.pixels(),
        heldOut.size());

    assertThat(fused.name()).isEqualTo("fused-shape");
    assertThat(r.maxError())
        .containsKeys(ModelFormat.ANOMALY_MAP, OnnxExporter.KNN_PIXELS, ModelFormat.SCORE);
    assertThat(r.worst()).isLessThanOrEqualTo(ParityCheck.TOLERANCE);
    try (OnnxModelRunner runner = OnnxModelRunner.open(onnx)) {
      assertThat(runner.contract()).isEqualTo(rgb64);
    }
  }

  /**
   * The transform classifier's part: the grey thumbnail (channels and blocks averaged at 64 × 64
   * colour), the eight transforms, the network and −log p, in the graph as in the trainer; and the
   * fused score that sums it in where the classifier learnt its task.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void shouldReproduceTheTransformClassifiersPart(int channels) throws Exception {
    ImageContract contract = channels == 1
        ? ImageContract.GRAY_28
        : new ImageContract(64, 64, 3, ImageContract.Resize.RESIZE);
    ImageDataset train = shaped(SyntheticImages.ells(240, 1), contract);
    ImageDataset heldOut = shaped(SyntheticImages.ells(30, 2), contract)
        .concat(shaped(SyntheticImages.squaresAndRings(30, 2), contract), "held out");
    VaeConfig config = new VaeConfig(VaeArchitecture.MLP, 3, 1.0, 2, 16, 3e-3, 3L, 32);
    VaeModel model = new VaeTrainer(s -> {}, m -> {}).fit(config, train, null);
    MemoryBank bank = MemoryBank.of(train, 40, 7, false);
    TransformClassifier transforms = TransformClassifier.train(train, 6000, 3);
    MapScale scale = MapScale.suits(contract) ? MapScale.of(model, train, 1) : null;
    VaeModel.Forward f = model.forward(heldOut.pixels(), heldOut.size());
    ScoreParts parts = ScoreParts.of(
            model.contract(), f, heldOut.pixels(), heldOut.size(), bank, scale)
        .withTransforms(transforms, heldOut.pixels());
    ScoreSelector.Selection selection =
        ScoreSelector.oneClass(ScoreSelector.Kind.FUSED, parts.slice(0, 30));

    byte[] onnx = OnnxExporter.export(
            model, selection.chosen(), bank, scale, transforms, Map.of("k", "v"), "test")
        .toByteArray();
    ParityCheck.Result r = ParityCheck.require(
        onnx,
        new ParityCheck.Reference(contract, f, parts, selection.chosen(), scale),
        heldOut.pixels(),
        heldOut.size());

    System.out.println(contract + " transforms " + r + "; " + selection.protocol());
    assertThat(selection.chosen().usesTransforms()).isTrue();
    assertThat(selection.chosen().fusion()).isEqualTo(ScoreDefinition.Fusion.SUM);
    assertThat(selection.protocol()).contains("learnt its task and joins the sum");
    assertThat(r.maxError()).containsKeys(OnnxExporter.TRANSFORM_NLL, ModelFormat.SCORE);
    assertThat(r.worst()).isLessThanOrEqualTo(ParityCheck.TOLERANCE);
    try (OnnxModelRunner runner = OnnxModelRunner.open(onnx)) {
      assertThat(runner.metadata())
          .containsKeys(ModelFormat.SCORE_TRANSFORM_CLASSIFIER, ModelFormat.SCORE_MEMORY_BANK);
    }
  }

  /**
   * A VAE trained on squares with the fused score over a bank of them, exported, and its parity
   * over {@code heldOut} squares and rings.
   */
  private record FusedOnSquares(
      VaeModel model,
      ImageDataset heldOut,
      MemoryBank bank,
      VaeModel.Forward forward,
      ScoreParts parts,
      byte[] onnx,
      ParityCheck.Result parity) {
    static FusedOnSquares export(VaeConfig config, int heldOutCount) throws Exception {
      ImageDataset train =
          SyntheticImages.squaresAndRings(96, 1).filterLabels(l -> l == 0, "squares");
      ImageDataset heldOut = SyntheticImages.squaresAndRings(heldOutCount, 2);
      VaeModel model = new VaeTrainer(s -> {}, m -> {}).fit(config, train, null);
      MemoryBank bank = MemoryBank.of(train, 40, 7, false);
      VaeModel.Forward f = model.forward(heldOut.pixels(), heldOut.size());
      ScoreParts parts = ScoreParts.of(model.contract(), f, heldOut.pixels(), heldOut.size(), bank);
      ScoreDefinition fused =
          ScoreSelector.oneClass(ScoreSelector.Kind.FUSED, parts).chosen();
      byte[] onnx =
          OnnxExporter.export(model, fused, bank, Map.of("k", "v"), "test").toByteArray();
      ParityCheck.Result r = ParityCheck.require(
          onnx,
          new ParityCheck.Reference(model.contract(), f, parts, fused, null),
          heldOut.pixels(),
          heldOut.size());
      return new FusedOnSquares(model, heldOut, bank, f, parts, onnx, r);
    }
  }

  private static ImageDataset shaped(ImageDataset grey, ImageContract contract) {
    return contract.channels() == 1 ? grey : SyntheticImages.tinted(grey).refit(contract);
  }
}
