package io.vaestream.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.DataFormatException;
import io.vaestream.trainer.data.ImageShape;
import io.vaestream.trainer.data.InspectionData;
import io.vaestream.trainer.data.Textures;
import io.vaestream.trainer.model.VaeArchitecture;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.score.ScoreSelector;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A smoke run of {@code evaluate-maps} on a tiny texture set: the full run is in docs/evaluation/textures. */
class InspectionEvaluationTest {
  @TempDir
  Path dir;

  @Test
  void shouldReadTheMvtecLayoutWithMasksAlignedToTheContract() throws Exception {
    Path set = dir.resolve("fabric");
    Textures.Benchmark b = Textures.generate(Textures.Family.FABRIC, 64, 8, 4, 2, 3);
    Textures.writeFolder(b, set);
    InspectionData d = InspectionData.read(set, ImageShape.parse("32", 0, "resize"));
    assertThat(d.train().contract())
        .isEqualTo(new ImageContract(32, 32, 3, ImageContract.Resize.RESIZE));
    assertThat(d.test().size()).isEqualTo(4 + 2 * Textures.Defect.values().length);
    for (int i = 0; i < d.test().size(); i++) {
      int defectPixels = 0;
      for (byte m : d.mask(i)) {
        defectPixels += m;
      }
      if (d.isGood(i)) {
        assertThat(defectPixels).as("mask of good image %d", i).isZero();
      } else {
        assertThat(defectPixels).as("mask of defective image %d", i).isPositive();
      }
    }
    Files.delete(set.resolve("ground_truth/hole/000_mask.png"));
    assertThatThrownBy(() -> InspectionData.read(set, ImageShape.AUTO))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("000_mask.png");
  }

  @Test
  void shouldReportImageAndPixelAurocBesideTheBaselines() throws Exception {
    Path set = dir.resolve("fabric");
    Textures.writeFolder(Textures.generate(Textures.Family.FABRIC, 32, 60, 10, 2, 5), set);
    InspectionData d = InspectionData.read(set, ImageShape.AUTO);
    InspectionEvaluation.Settings st = new InspectionEvaluation.Settings(
        new VaeConfig(VaeArchitecture.CONV, 8, 1.0, 1, 16, 3e-3, 1L, 4),
        0.2,
        0.05,
        100,
        ScoreSelector.Kind.FUSED);
    InspectionEvaluation.Result r =
        InspectionEvaluation.run(d, st, dir.resolve("work"), new PrintWriter(new StringWriter()));
    assertThat(r.methods()).hasSize(5);
    assertThat(r.methods().get(0).imageAurocByDefect())
        .containsOnlyKeys("hole", "patch", "scratch", "spot", "stain");
    assertThat(r.methods().get(0).pixelAuroc()).isBetween(0.0, 1.0);
    assertThat(r.methods().get(4).pixelAuroc()).isNaN(); // raw kNN has no map
    Path md =
        InspectionReport.write(dir.resolve("report"), r, "./vaestream evaluate-maps --data x", st);
    assertThat(Files.readString(md))
        .contains("pixel AUROC")
        .contains("baseline: deviation from the mean normal image");
    assertThat(dir.resolve("report/examples.png")).isRegularFile();
    assertThat(r.model()).isRegularFile();
  }
}
