package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus alert rules, checked and unit-tested by Prometheus's own {@code promtool}
 * (Debian's {@code prometheus} package, which {@code .ci/run} installs). Which metric names they
 * use is checked against a running detector by {@code MetricsContractIT}.
 */
class AlertRulesTest {
  private static final Path DEPLOY = Path.of("..", "deploy");

  @Test
  void shouldPassPromtoolsRuleTests() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    Assumptions.assumeTrue(
        Files.isExecutable(promtool), "promtool is not installed (apt-get install prometheus)");
    for (String[] args :
        new String[][] {{"check", "rules", "alerts.yml"}, {"test", "rules", "alerts.test.yml"}}) {
      Process p = new ProcessBuilder(promtool.toString(), args[0], args[1], args[2])
          .directory(DEPLOY.toFile())
          .redirectErrorStream(true)
          .start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      System.out.println("promtool " + String.join(" ", args) + ":\n" + out);
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("SUCCESS");
    }
  }

  @Test
  void shouldLoadTheRulesInTheShippedPrometheusConfig() throws Exception {
    assertThat(Files.readString(DEPLOY.resolve("prometheus.yml")))
        .contains("/etc/prometheus/alerts.yml");
    assertThat(Files.readString(DEPLOY.resolve("..").resolve("docker-compose.yml")))
        .contains("./deploy/alerts.yml:/etc/prometheus/alerts.yml:ro");
  }
}
