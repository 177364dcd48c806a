package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.detector.testing.TinyVaeModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The detector refuses to start, with exit code 2 and a reason, on every kind of bad model or setting. */
class DetectorAppTest {
  @TempDir
  Path dir;

  private record Outcome(int code, String stderr) {}

  private static Outcome run(String... args) {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new DetectorApp()).execute(args);
      return new Outcome(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }

  @Test
  void shouldShowEveryKeyWithItsDefaultAndTheHttpPortInItsHelp() {
    java.io.StringWriter out = new java.io.StringWriter();
    CommandLine cl = DetectorApp.commandLine("detect");
    cl.setOut(new java.io.PrintWriter(out, true));
    assertThat(cl.execute("--help")).isZero();
    assertThat(out.toString())
        .contains(
            "Usage: detect",
            "--http-port",
            "batch.max.size = 64",
            "processing.guarantee = exactly_once_v2",
            "model.path = (required)",
            "dlq.failure.policy = skip");
    for (String key : io.vaestream.detector.config.DetectorConfig.CONFIG.names()) {
      assertThat(out.toString()).contains("  " + key + " = ");
    }
  }

  @Test
  void shouldRefuseAMissingModel() {
    Outcome o = run("--model", dir.resolve("missing.onnx").toString(), "--set", "http.port=0");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.stderr())
        .contains("refusing to start")
        .contains("missing.onnx: model file not found");
  }

  @Test
  void shouldRefuseATruncatedModel() throws Exception {
    Path m = TinyVaeModel.write(dir, 0.5);
    Files.write(m, Arrays.copyOf(Files.readAllBytes(m), 100));
    Outcome o = run("--model", m.toString(), "--set", "http.port=0");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.stderr()).contains("cannot load the model");
  }

  @Test
  void shouldRefuseAModelFailingItsGoldenSamples() throws Exception {
    Path m = TinyVaeModel.write(dir, 0.5, 0.5);
    Outcome o = run("--model", m.toString(), "--set", "http.port=0");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.stderr()).contains("golden sample 0 does not reproduce");
  }

  @Test
  void shouldRefuseAnUnknownOpset() throws Exception {
    Path m = TinyVaeModel.write(dir, 0.5, 0, 999);
    assertThat(run("--model", m.toString(), "--set", "http.port=0").code()).isEqualTo(2);
  }

  @Test
  void shouldRefuseABadSettingNamingIt() throws Exception {
    Path m = TinyVaeModel.write(dir, 0.5);
    Outcome o = run("--model", m.toString(), "--set", "batch.max.size=-3");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.stderr()).contains("batch.max.size").contains("-3");
  }
}
