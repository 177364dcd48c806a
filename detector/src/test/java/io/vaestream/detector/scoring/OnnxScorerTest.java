package io.vaestream.detector.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.schemas.ImageContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxScorerTest {
  @TempDir
  Path dir;

  @Test
  void shouldScoreABatchLikeTheReferenceFormula() throws Exception {
    Path model = TinyVaeModel.write(dir, 0.5);
    try (OnnxScorer scorer =
        OnnxScorer.open(model, ScorerOptions.on(Device.CPU).expecting(ImageContract.GRAY_28))) {
      SplittableRandom r = new SplittableRandom(1);
      float[] x = new float[5 * 784];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextDouble();
      }
      ScoreBatch b = scorer.score(x, 5);
      for (int i = 0; i < 5; i++) {
        float[] img = Arrays.copyOfRange(x, i * 784, (i + 1) * 784);
        assertThat((double) b.score()[i]).isCloseTo(TinyVaeModel.score(img), offset(1e-5));
        assertThat((double) b.kl()[i]).isCloseTo(TinyVaeModel.kl(img), offset(1e-5));
      }
      assertThat(scorer.threshold()).isEqualTo(0.5);
      assertThat(scorer.modelName()).isEqualTo("tiny");
      assertThat(scorer.device()).isEqualTo("cpu");
      scorer.setThreshold(0.7);
      assertThat(scorer.threshold()).isEqualTo(0.7);
    }
  }

  @Test
  void shouldCloseEveryTensorAndResultItCreates() throws Exception {
    Path model = TinyVaeModel.write(dir, 0.5);
    try (OnnxScorer scorer = OnnxScorer.open(model, Device.CPU)) {
      long afterSelfCheck = scorer.nativeObjects().created();
      for (int i = 0; i < 10; i++) {
        scorer.score(new float[3 * 784], 3);
      }
      assertThat(scorer.nativeObjects().created())
          .as("one input tensor and one result per batch")
          .isEqualTo(afterSelfCheck + 20);
      assertThat(scorer.nativeObjects().open()).isZero();
      assertThatThrownBy(() -> scorer.score(new float[784], 2))
          .isInstanceOf(RuntimeException.class);
      assertThat(scorer.nativeObjects().open())
          .as("nothing left open by a failed batch")
          .isZero();
    }
  }

  @Test
  void shouldFallBackToTheCpuWhenCudaIsMissing() throws Exception {
    Path model = TinyVaeModel.write(dir, 0.5);
    try (OnnxScorer scorer = OnnxScorer.open(model, Device.AUTO)) {
      // a GPU build may still find no GPU and fall back
      assertThat(scorer.device()).isIn(cudaBuild() ? List.of("cuda", "cpu") : List.of("cpu"));
    }
  }

  @Test
  void shouldRefuseCudaWhereOnnxRuntimeHasNone() throws Exception {
    assumeFalse(cudaBuild(), "this ONNX Runtime has the CUDA provider");
    Path model = TinyVaeModel.write(dir, 0.5);
    assertThatThrownBy(() -> OnnxScorer.open(model, Device.CUDA))
        .isInstanceOf(ScorerException.class)
        .hasMessageStartingWith("device=cuda but the CUDA execution provider is unavailable: ");
  }

  /** Whether the tests run with ONNX Runtime's GPU build ({@code -Pgpu}), on a GPU or not. */
  private static boolean cudaBuild() {
    return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
  }

  @Test
  void shouldRefuseAMissingModel() {
    assertRefused(dir.resolve("none.onnx"), "none.onnx: model file not found");
  }

  @Test
  void shouldRefuseATruncatedModel() throws Exception {
    Path model = TinyVaeModel.write(dir, 0.5);
    byte[] b = Files.readAllBytes(model);
    Files.write(model, Arrays.copyOf(b, b.length / 2));
    assertRefused(model, "cannot load the model");
  }

  @Test
  void shouldRefuseAModelWhoseChecksumDiffers() throws Exception {
    Path model = TinyVaeModel.write(dir, 0.5);
    Files.writeString(dir.resolve("model.onnx.sha256"), "00".repeat(32) + "  model.onnx\n");
    assertRefused(model, "SHA-256 is");
  }

  @Test
  void shouldRefuseAModelForOtherImages() throws Exception {
    Path model = TinyVaeModel.write(dir, 0.5);
    assertThatThrownBy(() -> OnnxScorer.open(
            model, ScorerOptions.on(Device.CPU).expecting(new ImageContract(64, 64, 1))))
        .isInstanceOf(ScorerException.class)
        .hasMessageContaining("expects 28x28x1 images")
        .hasMessageContaining("configured for 64x64x1");
  }

  @Test
  void shouldRefuseAModelThatFailsItsGoldenSamples() throws Exception {
    Path model = TinyVaeModel.write(dir, 0.5, 0.01);
    assertRefused(model, "golden sample 0 does not reproduce");
  }

  @Test
  void shouldRefuseAModelOfAnUnknownOpset() throws Exception {
    Path model = TinyVaeModel.write(dir, 0.5, 0, 999);
    assertRefused(model, "cannot load the model");
  }

  /** A NaN or infinite threshold would pass every image as normal. */
  @Test
  void shouldRefuseAModelWhoseThresholdIsNotFinite() throws Exception {
    assertRefused(TinyVaeModel.write(dir, Double.NaN), "vaestream.threshold=NaN is not a finite");
    assertRefused(
        TinyVaeModel.write(dir, Double.POSITIVE_INFINITY), "=Infinity is not a finite number");
  }

  /** A map of the wrong size passed every check, then failed on the stream thread. */
  @Test
  void shouldRefuseAModelWhoseAnomalyMapIsNotOneMapPerImage() throws Exception {
    try (OnnxScorer good =
        OnnxScorer.open(TinyVaeModel.writeWithMap(dir, 0.5, false), Device.CPU)) {
      assertThat(good.score(new float[2 * 784], 2).maps()).hasSize(2 * 784);
    }
    assertRefused(
        TinyVaeModel.writeWithMap(dir, 0.5, true),
        "output 'anomaly_map' has 84 values for 3 images; expected 2352 (784 per image)");
  }

  /** Asserts that opening {@code model} fails with a message that contains {@code why}. */
  private static void assertRefused(Path model, String why) {
    assertThatThrownBy(() -> OnnxScorer.open(model, Device.CPU))
        .isInstanceOf(ScorerException.class)
        .hasMessageContaining(why);
  }
}
