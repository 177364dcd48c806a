package io.vaestream.tools;

import io.vaestream.detector.Detector;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.lifecycle.DriftMonitor;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.embedded.EmbeddedKafka;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.ImageShape;
import io.vaestream.trainer.data.InspectionData;
import io.vaestream.trainer.data.Textures;
import io.vaestream.trainer.model.VaeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo}: the whole pipeline on one machine, in one command. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole pipeline on an embedded Kafka and reports how it did.",
      "Starts Kafka, trains a model on one Fashion-MNIST class if none is cached, starts the detector,",
      "streams a labelled mix of normal and anomalous test images, prints a summary and writes an HTML report.",
      "--data textures does the same with colour camera images: the synthetic inspection set (128x128 RGB",
      "fabric with scratches, spots, stains, patches and holes), and reports where the defects were found."
    })
final class DemoCommand implements Callable<Integer> {
  static final Path TEXTURE_SET = Path.of("runs", "textures", "demo-fabric");
  private static final int DEFAULT_EVENTS = 10_000;
  private static final int DEFAULT_WARMUP = 20_000;
  private static final int TEXTURE_WARMUP = 100;

  private static final String NETWORK_CLIENT_LEVEL =
      "org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient";
  private static final String REPLICA_MANAGER_LEVEL =
      "org.slf4j.simpleLogger.log.kafka.server.ReplicaManager";
  private static final String DRIFT_MONITOR_LEVEL =
      "org.slf4j.simpleLogger.log." + DriftMonitor.class.getName();

  @Option(
      names = "--data",
      defaultValue = "fashion",
      description =
          "fashion (Fashion-MNIST, 28x28 grey) or textures (synthetic 128x128 colour inspection images "
              + "with defect masks, written to "
              + "runs/textures/demo-fabric on first use) (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(
      names = "--bootstrap-servers",
      description = "Use this Kafka instead of starting an embedded one.")
  String bootstrap;

  @Option(
      names = "--model",
      description = "Use this model instead of training (or reusing) the demo model.")
  Path model;

  @Option(
      names = "--train-data",
      defaultValue = "fashion-mnist:train",
      description = "Labelled images the demo model trains on (default: ${DEFAULT-VALUE}).")
  String trainData;

  @Option(
      names = "--test-data",
      defaultValue = "fashion-mnist:test",
      description = "Labelled images the demo streams (default: ${DEFAULT-VALUE}).")
  String testData;

  @Option(
      names = "--normal-class",
      defaultValue = "7",
      description = "Fashion-MNIST class that is normal (default: ${DEFAULT-VALUE}, Sneaker).")
  int normalClass;

  @Option(
      names = "--events",
      description = "Images to stream, round a labelled mix of the test images (default: 10000 for "
          + "fashion, the 400 test images for textures).")
  Integer events;

  @Option(
      names = "--anomaly-fraction",
      defaultValue = "0.2",
      description = "Share of anomalies in the stream (default: ${DEFAULT-VALUE}).")
  double anomalyFraction;

  @Option(
      names = "--rate",
      description = "Images per second to stream, 0 for as fast as possible (default: half the "
          + "rate the warm-up reached).")
  Double rate;

  @Option(
      names = "--warmup",
      description = "Images sent flat out first, to warm the detector up and measure its rate; "
          + "they are not in the summary (default: 20000 for fashion, 100 for textures).")
  Integer warmup;

  @Option(
      names = "--epochs",
      description =
          "Epochs when training the demo model (default: 10 for fashion, 6 for textures).")
  Integer epochs;

  @Option(
      names = "--out",
      defaultValue = "runs/demo",
      description = "Report directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (!(anomalyFraction >= 0 && anomalyFraction < 1)) {
      throw new IllegalArgumentException(
          "anomaly-fraction=" + anomalyFraction + " is invalid: expected a share in [0, 1)");
    }
    if (events != null && events < 1) {
      throw new IllegalArgumentException("events=" + events + " is invalid: expected >= 1");
    }
    long t0 = System.nanoTime();
    quietLogs(bootstrap == null);
    Files.createDirectories(out);
    EmbeddedKafka kafka = null;
    if (bootstrap == null) {
      say("starting an embedded Kafka (KRaft) on 127.0.0.1");
      kafka = EmbeddedKafka.start();
    }
    String servers = kafka != null ? kafka.bootstrapServers() : bootstrap;
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    String images = "demo-images-" + suffix;
    String scores = "demo-scores-" + suffix;
    String anomalies = "demo-anomalies-" + suffix;
    String deadLetters = "demo-dlq-" + suffix;
    String driftTopic = "demo-drift-" + suffix;
    try {
      if (kafka != null) {
        // One partition, as the benchmarks' latency rows: one stream thread then scores one task's
        // batches (docs/benchmarks-notes.md has what three partitions on one thread cost).
        kafka.createTopics(1, images, scores, anomalies, deadLetters, driftTopic);
      }
      boolean textures = switch (data.toLowerCase(Locale.ROOT)) {
        case "fashion" -> false;
        case "textures" -> true;
        default ->
          throw new IllegalArgumentException(
              "data=" + data + " is invalid: use fashion or textures");
      };
      InspectionData inspection = textures ? textureSet() : null;
      Path modelFile = model != null ? model : textures ? textureModel(inspection) : demoModel();
      int normal =
          textures ? inspection.test().classNames().indexOf(InspectionData.GOOD) : normalClass;
      int count = events != null ? events : textures ? inspection.test().size() : DEFAULT_EVENTS;
      ImageDataset stream = textures ? inspection.test() : mix(DataSources.open(testData), count);
      Map<String, Object> cfg = new HashMap<>();
      cfg.put(DetectorConfig.BOOTSTRAP_SERVERS, servers);
      cfg.put(DetectorConfig.APPLICATION_ID, "vaestream-demo-" + suffix);
      cfg.put(DetectorConfig.MODEL_PATH, modelFile.toString());
      cfg.put(DetectorConfig.INPUT_TOPIC, images);
      cfg.put(DetectorConfig.SCORES_TOPIC, scores);
      cfg.put(DetectorConfig.ANOMALIES_TOPIC, anomalies);
      cfg.put(DetectorConfig.DLQ_TOPIC, deadLetters);
      cfg.put(DetectorConfig.DRIFT_TOPIC, driftTopic);
      cfg.put(DetectorConfig.HTTP_PORT, 0);
      cfg.put(StreamsConfig.STATE_DIR_CONFIG, out.resolve("state").toString());
      say("starting the detector with " + modelFile);
      int warm = warmup != null ? warmup : textures ? TEXTURE_WARMUP : DEFAULT_WARMUP;
      DemoStream.Result result;
      DetectorMetrics detectorMetrics;
      boolean profiled;
      try (Detector detector = Detector.start(new DetectorConfig(cfg))) {
        result = new DemoStream(servers, images, scores, anomalies)
            .run(stream, Set.of(normal), warm, count, rate);
        detectorMetrics = detector.metrics();
        profiled = detector.scorer().calibrationProfile() != null;
      }
      // Read after the detector closed: its drift monitor has seen every batch by then.
      List<String> drifted = driftedSignals(detectorMetrics);
      Path report = DemoReport.write(out, modelFile, stream, result, inspection);
      String title = textures
          ? String.format(
              Locale.ROOT, "%s, 128x128 RGB, '%s' is normal", TEXTURE_SET, InspectionData.GOOD)
          : String.format(
              Locale.ROOT,
              "%s class %d (%s) is normal",
              testData,
              normalClass,
              stream.className(normalClass));
      DemoConsole console = new DemoConsole(title, count, result);
      console.localized(textures ? DemoReport.boxed(result.flagged(), inspection) : null);
      console.speed(howSent(result.warmRate()));
      console.drift(profiled, drifted, driftTopic);
      console.line("report", report.toString());
      console.line("took", String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - t0) / 1e9));
      return result.summary().count() == count ? 0 : 1;
    } catch (IllegalStateException e) {
      // the stream could not be sent or scored in time: its reason, in one line
      say("failed: " + e.getMessage());
      return 1;
    } finally {
      if (kafka != null) {
        kafka.close();
      }
    }
  }

  /** How the stream was sent, for the throughput line. */
  private String howSent(double warmRate) {
    if (rate == null && Double.isFinite(warmRate)) {
      return String.format(
          Locale.ROOT,
          "steady (sent at half the %.0f events/s the detector reached flat out in the warm-up)",
          warmRate);
    }
    return rate != null && rate > 0 ? "steady (--rate " + rate + ")" : "(sent flat out)";
  }

  /**
   * Quietens what the demo's console would otherwise show and no user can act on. Set before the
   * first logger exists: slf4j-simple fixes a logger's level when it is made.
   */
  private static void quietLogs(boolean embeddedBroker) {
    if (embeddedBroker) {
      // Broker and clients share this process, so Kafka's connection warnings say nothing a user
      // can act on; the broker's shutdown closes one of its channels twice and says so at WARN.
      System.setProperty(NETWORK_CLIENT_LEVEL, "error");
      // Kafka 4.4's broker can answer a new transactional producer's first appends with
      // OUT_OF_ORDER_SEQUENCE_NUMBER and log it at ERROR; the producer retries, nothing is lost
      // (the summary counts every event scored), and the broker is the demo's own.
      System.setProperty(REPLICA_MANAGER_LEVEL, "off");
    }
    // The demo's stream mixes other classes into the normal one on purpose, so the drift monitor
    // rightly warns; the summary's drift line says so once, instead of a warning per signal.
    System.setProperty(DRIFT_MONITOR_LEVEL, "error");
  }

  private Path demoModel() throws Exception {
    return DemoModel.ensure(
        trainData, normalClass, epochs != null ? epochs : DemoModel.DEFAULT_EPOCHS);
  }

  /** The synthetic inspection set, written on first use; its test images in a seeded order. */
  private static InspectionData textureSet() throws IOException {
    if (!Files.isDirectory(TEXTURE_SET.resolve("ground_truth"))) {
      say("writing the synthetic texture set to " + TEXTURE_SET);
      Textures.writeFolder(
          Textures.generate(Textures.Family.FABRIC, 128, 600, 300, 20, 7), TEXTURE_SET);
    }
    return InspectionData.read(TEXTURE_SET, ImageShape.parse("128", 0, "resize"))
        .shuffled(5);
  }

  private Path textureModel(InspectionData set) throws Exception {
    VaeConfig config = DemoModel.TEXTURE_CONFIG.withEpochs(
        epochs != null ? epochs : DemoModel.TEXTURE_CONFIG.epochs());
    return DemoModel.ensure(
        "demo-textures-fabric-" + config.epochs(),
        TEXTURE_SET.resolve("train").toString(),
        set::train,
        0,
        config);
  }

  /**
   * Test images: normals of the class, and anomalies from the others in their share, shuffled; at
   * most {@code events} of them, and no image twice (the stream goes round the mix).
   */
  private ImageDataset mix(ImageDataset test, int events) {
    ImageDataset normal = test.filterLabels(l -> l == normalClass, "normal").shuffled(1);
    if (normal.isEmpty()) {
      throw new IllegalArgumentException("normal-class=" + normalClass + " is invalid: "
          + test.description() + " has no images of it; its classes are 0 to "
          + (test.classNames().size() - 1));
    }
    ImageDataset other = test.filterLabels(l -> l != normalClass, "anomalous").shuffled(2);
    int unique = (int) Math.min(events, Math.floor(normal.size() / (1 - anomalyFraction)));
    int nAnom = Math.min((int) Math.round(unique * anomalyFraction), other.size());
    int nNormal = Math.min(unique - nAnom, normal.size());
    ImageDataset mixed =
        normal.sample(nNormal, 3).concat(other.sample(nAnom, 4), "fashion-mnist:test mix");
    return mixed.shuffled(5);
  }

  static void say(String s) {
    System.err.println("[demo] " + s);
  }

  /** The signals the detector's drift monitor raised a drift event for, from its metrics. */
  private static List<String> driftedSignals(DetectorMetrics metrics) {
    return metrics
        .registry()
        .find(DetectorMetrics.DRIFT_EVENTS)
        .tag("state", "drift")
        .counters()
        .stream()
        .filter(c -> c.count() > 0)
        .map(c -> c.getId().getTag("signal"))
        .distinct()
        .sorted()
        .toList();
  }
}
