package io.vaestream.detector;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.scoring.ScorerException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vaestream detect}: runs the detector until SIGTERM or Ctrl-C. */
@Command(
    name = "vaestream-detector",
    mixinStandardHelpOptions = true,
    versionProvider = DetectorApp.Version.class,
    description = {
      "Runs the Kafka Streams detector until SIGTERM.",
      "Scores every image event on the input topic with a vaestream ONNX model and writes scores, anomalies",
      "and dead letters. Configuration: defaults < --config file < VAESTREAM_* environment variables < these",
      "options; any Kafka or Streams property passes through with --set."
    })
public final class DetectorApp implements Callable<Integer> {
  @Option(names = "--config", description = "A properties file.")
  Path configFile;

  @Option(names = "--model", description = "The ONNX model (model.path).")
  String model;

  @Option(names = "--bootstrap-servers", description = "Kafka brokers (bootstrap.servers).")
  String bootstrapServers;

  @Option(names = "--device", description = "auto, cpu or cuda (device).")
  String device;

  @Option(names = "--threshold", description = "Override the model's threshold (threshold).")
  Double threshold;

  @Option(
      names = "--http-port",
      description = "Port of /metrics, /health and /ready; 0 turns them off (http.port).")
  Integer httpPort;

  @Option(
      names = {"-s", "--set"},
      description = "Any other key=value, e.g. --set num.stream.threads=2.")
  Map<String, String> set = new HashMap<>();

  public static void main(String[] args) {
    System.exit(commandLine("vaestream-detector").execute(args));
  }

  /**
   * The command line under {@code name} ({@code detect} inside the vaestream command), its help
   * ending with every configuration key, its default and what it does.
   */
  public static CommandLine commandLine(String name) {
    CommandLine cl = new CommandLine(new DetectorApp());
    cl.getCommandSpec().name(name);
    StringBuilder footer =
        new StringBuilder("%nConfiguration keys, with their defaults (set them in --config, as "
            + "VAESTREAM_KEY_WITH_UNDERSCORES, or with --set key=value):%n");
    for (ConfigDef.ConfigKey k : DetectorConfig.CONFIG.configKeys().values()) {
      Object d = k.defaultValue == ConfigDef.NO_DEFAULT_VALUE
          ? "(required)"
          : k.defaultValue == null || "".equals(k.defaultValue) ? "(none)" : k.defaultValue;
      footer.append(String.format(
          "  %s = %s%n      %s%n",
          k.name,
          d instanceof List<?> l
              ? String.join(",", l.stream().map(Object::toString).toList())
              : d,
          k.documentation.replace("%", "%%")));
    }
    cl.getCommandSpec().usageMessage().footer(footer.toString());
    return cl;
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> overrides = new HashMap<>(set);
    putIf(overrides, DetectorConfig.MODEL_PATH, model);
    putIf(overrides, DetectorConfig.BOOTSTRAP_SERVERS, bootstrapServers);
    putIf(overrides, DetectorConfig.DEVICE, device);
    putIf(overrides, DetectorConfig.THRESHOLD, threshold == null ? null : threshold.toString());
    putIf(overrides, DetectorConfig.HTTP_PORT, httpPort == null ? null : httpPort.toString());
    Detector detector;
    try {
      detector = Detector.start(DetectorConfig.load(configFile, System.getenv(), overrides));
    } catch (ConfigException | ScorerException e) {
      System.err.println("vaestream-detector: refusing to start: " + e.getMessage());
      return 2;
    } catch (KafkaException | IOException e) {
      // a broker address that does not resolve, an HTTP port in use, a state.dir it cannot write:
      // what the operator must fix, in one line, and the exit code of a bad setting, not a crash's
      System.err.println("vaestream-detector: cannot start: " + reasons(e));
      return 2;
    }
    CompletableFuture<String> signalled = new CompletableFuture<>();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(
            () -> {
              detector.close();
              signalled.complete(null);
            },
            "vaestream-shutdown"));
    CompletableFuture.anyOf(signalled, detector.stoppedForGood()).join();
    if (!signalled.isDone()) {
      // the exit runs the shutdown hook, which closes the detector; a supervisor sees the failure
      System.err.println(
          "vaestream-detector: stopped: " + detector.stoppedForGood().join());
      return 1;
    }
    return 0;
  }

  /** The messages of {@code e} and its causes, each once: Kafka's outer ones say little. */
  static String reasons(Throwable e) {
    List<String> out = new ArrayList<>();
    for (Throwable t = e; t != null && out.size() < 4; t = t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (out.stream().noneMatch(o -> o.contains(m))) {
        out.add(m);
      }
    }
    return String.join(": ", out);
  }

  private static void putIf(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vaestream-detector " + DetectorVersion.get()};
    }
  }
}
