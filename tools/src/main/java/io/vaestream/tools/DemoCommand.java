package io.vaestream.tools;

import io.vaestream.detector.Detector;
import io.vaestream.detector.config.DetectorConfig;
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
      defaultValue = "0",
      description = "Images per second; 0 as fast as possible (default).")
  double rate;

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
      DetectorMetrics detectorMetrics;
      boolean profiled;
      try (Detector detector = Detector.start(new DetectorConfig(cfg));
          KafkaConsumer<byte[], byte[]> consumer =
              ScoreConsumers.open(servers, scores, true, "vaestream-demo");
          KafkaConsumer<byte[], byte[]> anomalies =
              ScoreConsumers.open(servers, anomaliesTopic, true, "vaestream-demo-anomalies")) {
        consumer.poll(Duration.ofMillis(100));
        streamStart = System.nanoTime();
        Thread producer = new Thread(
            () -> new ImageSender(servers, images)
                .send(stream, stream.size(), "demo", Set.of(normal), rate, n -> {}),
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
      double streamSeconds = (System.nanoTime() - streamStart) / 1e9;
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
          Locale.ROOT, "throughput         %.0f events/s end to end%n", summary.n / streamSeconds);
      System.out.printf(
          Locale.ROOT,
          "latency            p50 %.0f ms, p99 %.0f ms (event to score, producer flat out)%n",
          summary.latency(0.5),
          summary.latency(0.99));
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

  /** Adds the scores one poll of {@code consumer} returns to {@code scores}. */
  private static void readInto(
      List<AnomalyScore> scores,
      KafkaConsumer<byte[], byte[]> consumer,
      String topic,
      Duration timeout) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      scores.add(AvroSerdes.anomalyScore().deserializer().deserialize(topic, r.value()));
    }
  }

  private Path demoModel() throws Exception {
    return DemoModel.ensure(trainData, normalClass, epochs != null ? epochs : 10);
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
