package io.vaestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak's report writer on hand-made results ({@link SampleSoak}); the whole report, word for
 * word, is {@link GoldenReportTest}'s business.
 */
class SoakReportTest {
  @TempDir
  Path dir;

  @Test
  void shouldWriteOneCsvRowPerSampleWithEveryColumn() {
    SampleSoak s = SampleSoak.clean();
    String csv = new SoakReport(s.options(), s.results()).csv();
    assertThat(csv.lines()).hasSize(1 + s.results().samples().size());
    assertThat(csv.lines()).allSatisfy(l -> assertThat(l.split(",", -1)).hasSize(14));
    assertThat(csv.lines().skip(1).filter(l -> l.contains(",steady,"))).isNotEmpty();
  }

  @Test
  void shouldWriteTheReportAndTheCsvSideBySide() throws Exception {
    SampleSoak s = SampleSoak.clean();
    SoakOptions o = SampleSoak.options("--out", dir.resolve("soak/soak.md").toString());
    Path report = new SoakReport(o, s.results()).write();
    assertThat(report).isEqualTo(dir.resolve("soak/soak.md"));
    assertThat(Files.readString(report))
        .contains("Every sample: [soak-samples.csv](soak-samples.csv)");
    assertThat(dir.resolve("soak/soak-samples.csv")).isRegularFile();
  }

  @Test
  void shouldFitTheSlopeOfALineAndNoSlopeWithoutSpread() {
    assertThat(SoakReport.slope(new double[] {0, 1, 2, 3}, new double[] {1, 3, 5, 7}))
        .isEqualTo(2);
    assertThat(SoakReport.slope(new double[] {5, 5}, new double[] {1, 9})).isZero();
  }
}
