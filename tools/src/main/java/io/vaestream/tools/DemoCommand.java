package io.vaestream.tools;

import io.vaestream.detector.Detector;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.lifecycle.DriftMonitor;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.embedded.EmbeddedKafka;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.ImageShape;
import io.vaestream.trainer.data.InspectionData;
import io.vaestream.trainer.data.Textures;
import io.vaestream.trainer.model.VaeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
  /** The id prefix of the warm-up images, which the summary leaves out. */
  private static final String WARMUP = "warmup";

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
      defaultValue = "1250",
      description = "Images to stream (default: ${DEFAULT-VALUE}).")
  int events;

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
      defaultValue = "1000",
      description = "Images sent flat out first, to warm the detector up and measure its rate; "
          + "they are not in the summary (default: ${DEFAULT-VALUE}).")
  int warmup;

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
    String driftTopic = "demo-drift-" + suffix;
    try {
      if (kafka != null) {
        kafka.createTopics(
            3, images, scores, "demo-anomalies-" + suffix, "demo-dlq-" + suffix, driftTopic);
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
      ImageDataset stream = textures ? inspection.test() : mix(DataSources.open(testData));
      Map<String, Object> cfg = new HashMap<>();
      cfg.put(DetectorConfig.BOOTSTRAP_SERVERS, servers);
      cfg.put(DetectorConfig.APPLICATION_ID, "vaestream-demo-" + suffix);
      cfg.put(DetectorConfig.MODEL_PATH, modelFile.toString());
      cfg.put(DetectorConfig.INPUT_TOPIC, images);
      cfg.put(DetectorConfig.SCORES_TOPIC, scores);
      cfg.put(DetectorConfig.ANOMALIES_TOPIC, "demo-anomalies-" + suffix);
      cfg.put(DetectorConfig.DLQ_TOPIC, "demo-dlq-" + suffix);
      cfg.put(DetectorConfig.DRIFT_TOPIC, driftTopic);
      cfg.put(DetectorConfig.HTTP_PORT, 0);
      cfg.put(StreamsConfig.STATE_DIR_CONFIG, out.resolve("state").toString());
      say("starting the detector with " + modelFile);
      ScoreSummary summary = new ScoreSummary();
      List<AnomalyScore> all = new ArrayList<>();
      List<AnomalyScore> flagged = new ArrayList<>();
      String anomaliesTopic = "demo-anomalies-" + suffix;
      long streamStart;
      double streamSeconds;
      double warmRate;
      DetectorMetrics detectorMetrics;
      boolean profiled;
      try (Detector detector = Detector.start(new DetectorConfig(cfg));
          KafkaConsumer<byte[], byte[]> consumer =
              ScoreConsumers.open(servers, scores, true, "vaestream-demo");
          KafkaConsumer<byte[], byte[]> anomalies =
              ScoreConsumers.open(servers, anomaliesTopic, true, "vaestream-demo-anomalies")) {
        consumer.poll(Duration.ofMillis(100));
        int warm = Math.min(warmup, stream.size());
        warmRate = warm > 0 ? warmUp(servers, images, stream, warm, consumer) : Double.NaN;
        double streamRate = rate != null ? rate : Double.isFinite(warmRate) ? warmRate / 2 : 0;
        say(String.format(
            Locale.ROOT,
            "%s; streaming %d at %s",
            warm > 0
                ? String.format(
                    Locale.ROOT,
                    "warmed up with %d images (%.0f events/s flat out)",
                    warm,
                    warmRate)
                : "no warm-up",
            stream.size(),
            streamRate > 0
                ? String.format(Locale.ROOT, "%.0f events/s", streamRate)
                : "full speed"));
        streamStart = System.nanoTime();
        Thread producer = new Thread(
            () -> new ImageSender(servers, images)
                .send(stream, stream.size(), "demo", Set.of(normal), streamRate, n -> {}),
            "demo-producer");
        producer.start();
        long lastLine = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (summary.n < stream.size() && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            AnomalyScore s =
                AvroSerdes.anomalyScore().deserializer().deserialize(scores, r.value());
            summary.add(s);
            all.add(s);
          }
          readInto(flagged, anomalies, anomaliesTopic, Duration.ZERO);
          if (System.nanoTime() - lastLine > 1_000_000_000L) {
            System.err.print("\r" + summary.line().replace("[tail] ", "[demo] ") + "   ");
            lastLine = System.nanoTime();
          }
        }
        streamSeconds = (System.nanoTime() - streamStart) / 1e9;
        producer.join();
        System.err.println();
        // the flagged events' transactions committed with their scores: drain what is left
        long drain = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (flagged.size() < summary.flagged && System.nanoTime() < drain) {
          readInto(flagged, anomalies, anomaliesTopic, Duration.ofMillis(200));
        }
        detectorMetrics = detector.metrics();
        profiled = detector.scorer().calibrationProfile() != null;
      }
      // Read after the detector closed: its drift monitor has seen every batch by then.
      List<String> drifted = driftedSignals(detectorMetrics);
      double eventsPerSecond = summary.n / streamSeconds;
      Path report = DemoReport.write(out, modelFile, stream, all, summary, flagged, inspection);
      if (textures) {
        System.out.printf(
            Locale.ROOT,
            "%n=== vaestream demo: %s, 128x128 RGB, '%s' is normal ===%n",
            TEXTURE_SET,
            InspectionData.GOOD);
      } else {
        System.out.printf(
            Locale.ROOT,
            "%n=== vaestream demo: %s class %d (%s) is normal ===%n",
            testData,
            normalClass,
            stream.className(normalClass));
      }
      System.out.printf(
          Locale.ROOT,
          "events scored      %d of %d (%d anomalous by label)%n",
          summary.n,
          stream.size(),
          all.stream().filter(s -> Boolean.TRUE.equals(s.getAnomalous())).count());
      System.out.printf(Locale.ROOT, "flagged            %d%n", summary.flagged);
      System.out.printf(
          Locale.ROOT,
          "precision, recall  %.3f, %.3f   (AUROC %.4f)%n",
          summary.precision(),
          summary.recall(),
          summary.aurocValue());
      if (textures) {
        DemoReport.Boxed boxed = DemoReport.boxed(flagged, inspection);
        System.out.printf(
            Locale.ROOT,
            "localized          %d of %d flagged defective images have a box on the defect%n",
            boxed.onDefect(),
            boxed.defective());
      }
      System.out.printf(
          Locale.ROOT, "throughput         %.0f events/s %s%n", eventsPerSecond, howSent(warmRate));
      System.out.printf(
          Locale.ROOT,
          "latency            p50 %.0f ms, p99 %.0f ms (event to score, at %.0f events/s)%n",
          summary.latency(0.5),
          summary.latency(0.99),
          eventsPerSecond);
      System.out.printf(
          Locale.ROOT,
          "drift              %s%n",
          !profiled
              ? "not watched: the model carries no calibration profile (train it again to get one)"
              : drifted.isEmpty()
                  ? "none"
                  : String.join(", ", drifted)
                      + " left the model's calibration (the stream mixes other classes into the "
                      + "normal one, as a stream with defects does); events on "
                      + driftTopic);
      System.out.printf(Locale.ROOT, "report             %s%n", report);
      System.out.printf(Locale.ROOT, "took               %.0f s%n", (System.nanoTime() - t0) / 1e9);
      return summary.n == stream.size() ? 0 : 1;
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
          Locale.ROOT, "steady (half the %.0f events/s the warm-up reached flat out)", warmRate);
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

  /**
   * Sends the first {@code count} images of {@code stream} flat out, as {@link #WARMUP}, and waits
   * for their scores, so that the measured stream meets a detector that has compiled its code and
   * filled its pools. Returns the events per second it scored the backlog at, from its first score
   * to its last.
   */
  private static double warmUp(
      String servers,
      String topic,
      ImageDataset stream,
      int count,
      KafkaConsumer<byte[], byte[]> scores) {
    Thread sender = new Thread(
        () -> new ImageSender(servers, topic).send(stream, count, WARMUP, null, 0, n -> {}),
        "demo-warmup");
    sender.start();
    int seen = 0;
    int firstBatch = 0;
    long first = 0;
    long last = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (seen < count && System.nanoTime() < deadline) {
      int n = scores.poll(Duration.ofMillis(20)).count();
      if (n > 0) {
        last = System.nanoTime();
        if (first == 0) {
          first = last;
          firstBatch = n;
        }
        seen += n;
      }
    }
    try {
      sender.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (seen < count) {
      throw new IllegalStateException(
          "the detector scored " + seen + " of " + count + " warm-up images in 2 minutes");
    }
    // The detector works through the backlog from its first score on: its rate, start-up left out.
    return last > first ? (seen - firstBatch) / ((last - first) / 1e9) : Double.NaN;
  }

  /** Adds the scores one poll of {@code consumer} returns to {@code scores}. */
  private static void readInto(
      List<AnomalyScore> scores,
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      Duration timeout) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      AnomalyScore s = AvroSerdes.anomalyScore().deserializer().deserialize(topic, r.value());
      if (!s.getEventId().startsWith(WARMUP + "-")) {
        scores.add(s);
      }
    }
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

  /** Test images: normals of the class, and anomalies from the others, shuffled. */
  private ImageDataset mix(ImageDataset test) {
    int anomalies = (int) Math.round(events * anomalyFraction);
    ImageDataset normal = test.filterLabels(l -> l == normalClass, "normal").shuffled(1);
    ImageDataset other = test.filterLabels(l -> l != normalClass, "anomalous").shuffled(2);
    int nNormal = Math.min(events - anomalies, normal.size());
    int nAnom = Math.min(anomalies, other.size());
    ImageDataset mixed =
        normal.sample(nNormal, 3).concat(other.sample(nAnom, 4), "fashion-mnist:test mix");
    return mixed.shuffled(5);
  }

  private static void say(String s) {
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
