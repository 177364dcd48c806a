package io.vaestream.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.testing.SyntheticImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VaeTrainerTest {

  private static VaeConfig tiny(VaeArchitecture a, int epochs) {
    return new VaeConfig(a, 4, 1.0, epochs, 32, 3e-3, 7L, a == VaeArchitecture.MLP ? 64 : 8);
  }

  @ParameterizedTest
  @EnumSource(VaeArchitecture.class)
  void shouldLowerTheLossWhileTraining(VaeArchitecture arch) throws Exception {
    ImageDataset data = SyntheticImages.squaresAndRings(128, 1);
    List<EpochStats> stats = new ArrayList<>();
    long t0 = System.nanoTime();
    VaeModel model = new VaeTrainer(stats::add, m -> {}).fit(tiny(arch, 4), data, data);
    System.out.printf("%s: %.1f s%n", arch, (System.nanoTime() - t0) / 1e9);

    assertThat(stats).hasSize(4);
    assertThat(stats.get(3).loss()).isLessThan(stats.get(0).loss());
    assertThat(stats.get(3).kl()).isPositive();
    assertThat(model.epochsDone()).isEqualTo(4);
    VaeModel.Forward f = model.forward(data.pixels(), data.size());
    assertThat(min(f.reconstruction)).isGreaterThanOrEqualTo(0f);
    assertThat(max(f.reconstruction)).isLessThanOrEqualTo(1f);
    assertThat(min(f.kl)).isGreaterThanOrEqualTo(0f);
  }

  /** At camera sizes an epoch takes minutes; the first word came only at the end of the first. */
  @Test
  void shouldSayHowFarAnEpochHasGotWhileItRuns() throws Exception {
    ImageDataset data = SyntheticImages.squaresAndRings(128, 1);
    List<String> lines = new ArrayList<>();

    new VaeTrainer(s -> {}, m -> {})
        .withProgress(lines::add, Duration.ZERO)
        .fit(tiny(VaeArchitecture.MLP, 2), data, null);

    // batches of 32: three lines an epoch, none after its last batch, where the epoch's own line
    // comes
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).startsWith("epoch 1/2: 32 of 128 images at ");
    assertThat(lines.get(5)).startsWith("epoch 2/2: 96 of 128 images at ");
    assertThat(VaeTrainer.progressLine(1, 20, 180, 900, 30_000_000_000L))
        .isEqualTo("epoch 1/20: 180 of 900 images at 6.0 img/s; 2:00 to the epoch's end, "
            + "about 49:30 in all");
  }

  @Test
  void shouldGiveTheSameWeightsForTheSameSeed() throws Exception {
    ImageDataset data = SyntheticImages.squaresAndRings(64, 1);
    VaeModel a = new VaeTrainer(s -> {}, m -> {}).fit(tiny(VaeArchitecture.MLP, 2), data, null);
    VaeModel b = new VaeTrainer(s -> {}, m -> {}).fit(tiny(VaeArchitecture.MLP, 2), data, null);
    assertThat(a.parameters().get("dec3_W")).isEqualTo(b.parameters().get("dec3_W"));
  }

  @Test
  void shouldResumeFromACheckpoint(@TempDir Path dir) throws Exception {
    ImageDataset data = SyntheticImages.squaresAndRings(64, 1);
    VaeModel first =
        new VaeTrainer(s -> {}, m -> m.save(dir)).fit(tiny(VaeArchitecture.CONV, 1), data, null);
    VaeModel loaded = VaeModel.load(dir);
    assertThat(loaded.epochsDone()).isEqualTo(1);
    assertThat(loaded.parameters().get("deconv2_W"))
        .isEqualTo(first.parameters().get("deconv2_W"));

    VaeModel more = new VaeTrainer(s -> {}, m -> {})
        .resume(
            new VaeModel(loaded.config().withEpochs(2), loaded.contract(), loaded.graph(), 1),
            data,
            null);
    assertThat(more.epochsDone()).isEqualTo(2);
  }

  /**
   * One epoch, a checkpoint, and one more: the same weights as two epochs straight. A new
   * training configuration on resume restarted Adam's step count and its bias correction.
   */
  @Test
  void shouldResumeAsIfNeverStopped(@TempDir Path dir) throws Exception {
    ImageDataset data = SyntheticImages.squaresAndRings(64, 1);
    VaeModel straight =
        new VaeTrainer(s -> {}, m -> {}).fit(tiny(VaeArchitecture.MLP, 2), data, null);
    new VaeTrainer(s -> {}, m -> m.save(dir)).fit(tiny(VaeArchitecture.MLP, 1), data, null);
    VaeModel loaded = VaeModel.load(dir);
    VaeModel resumed = new VaeTrainer(s -> {}, m -> {})
        .resume(
            new VaeModel(loaded.config().withEpochs(2), loaded.contract(), loaded.graph(), 1),
            data,
            null);
    assertThat(resumed.parameters().get("dec3_W"))
        .isEqualTo(straight.parameters().get("dec3_W"));
  }

  /**
   * A save cut between its two files left the new graph with the old settings, and --resume
   * trained that epoch again, or a torn state.json it could not read. The settings name their graph.
   */
  @Test
  void shouldFindTheSettingsOfTheGraphWhenASaveWasCut(@TempDir Path dir) throws Exception {
    ImageDataset data = SyntheticImages.squaresAndRings(64, 1);
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    new VaeTrainer(s -> {}, m -> m.save(one)).fit(tiny(VaeArchitecture.MLP, 1), data, null);
    VaeModel loaded = VaeModel.load(one);
    new VaeTrainer(s -> {}, m -> m.save(two))
        .resume(
            new VaeModel(loaded.config().withEpochs(2), loaded.contract(), loaded.graph(), 1),
            data,
            null);
    // epoch 2's graph in place, its settings still aside: the save stopped between its two moves
    Files.copy(
        two.resolve("graph.sd"), one.resolve("graph.sd"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(two.resolve("state.json"), one.resolve("state.json.tmp"));
    assertThat(VaeModel.load(one).epochsDone()).isEqualTo(2);

    Files.delete(one.resolve("state.json.tmp"));
    assertThatThrownBy(() -> VaeModel.load(one))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("graph.sd is not the graph state.json describes");
  }

  /** A diverging run stopped nothing: NaN weights overwrote the last good checkpoint each epoch. */
  @Test
  void shouldStopADivergingRunBeforeItsCheckpoint() {
    ImageDataset data = SyntheticImages.squaresAndRings(64, 1);
    data.pixels()[5] = Float.NaN; // as a diverging run's loss turns
    List<Integer> saved = new ArrayList<>();
    assertThatThrownBy(() -> new VaeTrainer(s -> {}, m -> saved.add(m.epochsDone()))
            .fit(tiny(VaeArchitecture.MLP, 3), data, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("training diverged in epoch 1")
        .hasMessageContaining("--learning-rate");
    assertThat(saved).isEmpty();
  }

  @Test
  void shouldDecodePriorSamplesIntoImages() throws Exception {
    ImageDataset data = SyntheticImages.squaresAndRings(32, 1);
    VaeModel model =
        new VaeTrainer(s -> {}, m -> {}).fit(tiny(VaeArchitecture.CONV, 1), data, null);
    float[] images = model.decode(new float[3 * 4], 3);
    assertThat(images).hasSize(3 * 28 * 28);
    assertThat(min(images)).isGreaterThanOrEqualTo(0f);
    assertThat(max(images)).isLessThanOrEqualTo(1f);
  }

  @Test
  void shouldRejectAnInvalidSettingByName() {
    assertThatThrownBy(() -> new VaeConfig(VaeArchitecture.MLP, 0, 1, 1, 1, 1e-3, 1, 64))
        .hasMessageContaining("latent-dim=0");
    assertThatThrownBy(() -> new VaeConfig(VaeArchitecture.MLP, 2, -1, 1, 1, 1e-3, 1, 64))
        .hasMessageContaining("beta=-1");
    assertThatThrownBy(() -> VaeConfig.defaults(VaeArchitecture.MLP).withPosteriorDraws(65))
        .hasMessageContaining("posterior-draws=65 is invalid: expected 1..64");
  }

  /** A checkpoint saved before restoration and posterior draws existed resumes as it was trained. */
  @Test
  void shouldReadSettingsSavedBeforeLaterOnesExisted() throws Exception {
    VaeConfig old = new ObjectMapper()
        .readValue(
            "{\"architecture\":\"MLP\",\"latentDim\":16,\"beta\":1.0,\"epochs\":1,"
                + "\"batchSize\":128,\"learningRate\":0.001,\"seed\":1,\"width\":64}",
            VaeConfig.class);
    assertThat(old.restoration()).isEqualTo(Restoration.NONE);
    assertThat(old.posteriorDraws()).isEqualTo(1);
    assertThat(VaeConfig.defaults(VaeArchitecture.MLP).posteriorDraws()).isEqualTo(4);
    assertThat(VaeConfig.defaults(VaeArchitecture.CONV).posteriorDraws()).isEqualTo(1);
  }

  @Test
  void shouldChooseTheBatchFromTheImageSizeUnlessGiven() {
    VaeConfig auto = VaeConfig.defaults(VaeArchitecture.CONV);
    assertThat(auto.batchSize()).isEqualTo(VaeConfig.AUTO_BATCH);
    int[][] sideAndBatch = {{28, 128}, {64, 128}, {128, 32}, {256, 8}, {1024, 1}};
    for (int[] sb : sideAndBatch) {
      ImageContract c = new ImageContract(sb[0], sb[0], 3);
      assertThat(auto.batchSizeFor(c)).as("batch at %d", sb[0]).isEqualTo(sb[1]);
    }
    ImageContract large = new ImageContract(256, 256, 3);
    VaeConfig given = new VaeConfig(VaeArchitecture.CONV, 16, 1, 1, 64, 1e-3, 1, 16);
    assertThat(given.batchSizeFor(large)).isEqualTo(64);
    // The model fixes the batch it trained with, so a checkpoint resumes with the same one.
    VaeModel model = VaeModel.initialise(VaeConfig.defaults(VaeArchitecture.MLP), large);
    assertThat(model.config().batchSize()).isEqualTo(8);
  }

  static float min(float[] v) {
    float m = Float.POSITIVE_INFINITY;
    for (float x : v) {
      m = Math.min(m, x);
    }
    return m;
  }

  static float max(float[] v) {
    float m = Float.NEGATIVE_INFINITY;
    for (float x : v) {
      m = Math.max(m, x);
    }
    return m;
  }
}
