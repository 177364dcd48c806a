package io.vaestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both report writers on hand-made results ({@link SampleBench}, {@link SampleSoak}), word for
 * word against golden reports. These were rendered by {@code BenchCommand} and {@code SoakCommand}
 * before their runners and writers were split apart, from the same figures: the split changed no
 * word, figure or order of either report.
 */
class GoldenReportTest {
  static Stream<Arguments> goldenReports() {
    return Stream.of(
        bench("report-every-section.md", SampleBench::everySection),
        bench("report-smoke.md", SampleBench::smoke),
        soak("soak-clean.md", SampleSoak::clean),
        soak("soak-broken.md", SampleSoak::broken));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenReports")
  void shouldRenderTheSampleAsTheGoldenReport(String golden, Callable<String> markdown)
      throws Exception {
    assertThat(markdown.call())
        .isEqualTo(
            Files.readString(Path.of(GoldenReportTest.class.getResource(golden).toURI())));
  }

  private static Arguments bench(String golden, Supplier<SampleBench> sample) {
    Callable<String> markdown = () -> {
      SampleBench s = sample.get();
      return new BenchReport(s.options(), s.results()).markdown();
    };
    return arguments(golden, markdown);
  }

  private static Arguments soak(String golden, Supplier<SampleSoak> sample) {
    Callable<String> markdown = () -> {
      SampleSoak s = sample.get();
      return new SoakReport(s.options(), s.results()).markdown();
    };
    return arguments(golden, markdown);
  }
}
