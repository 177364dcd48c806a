package io.vaestream.tools;

import io.vaestream.detector.Detector;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.embedded.EmbeddedKafka;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
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
      "streams a labelled mix of normal and anomalous test images, prints a summary and writes an HTML report."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", description = "Use this Kafka instead of starting an embedded one.")
  String bootstrap;

  @Option(names = "--model", description = "Use this model instead of training (or reusing) the demo model.")
  Path model;

  @Option(names = "--train-data", defaultValue = "fashion-mnist:train",
      description = "Labelled images the demo model trains on (default: ${DEFAULT-VALUE}).")
  String trainData;

  @Option(names = "--test-data", defaultValue = "fashion-mnist:test",
      description = "Labelled images the demo streams (default: ${DEFAULT-VALUE}).")
  String testData;

  @Option(names = "--normal-class", defaultValue = "7",
      description = "Fashion-MNIST class that is normal (default: ${DEFAULT-VALUE}, Sneaker).")
  int normalClass;

  @Option(names = "--events", defaultValue = "1250", description = "Images to stream (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--anomaly-fraction", defaultValue = "0.2",
      description = "Share of anomalies in the stream (default: ${DEFAULT-VALUE}).")
  double anomalyFraction;

  @Option(names = "--rate", defaultValue = "0", description = "Images per second; 0 as fast as possible (default).")
  double rate;

  @Option(names = "--epochs", defaultValue = "10", description = "Epochs when training the demo model (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--out", defaultValue = "runs/demo", description = "Report directory (default: ${DEFAULT-VALUE}).")
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
    try {
      if (kafka != null) {
        kafka.createTopics(3, images, scores, "demo-anomalies-" + suffix, "demo-dlq-" + suffix);
      }
      Path modelFile = model != null ? model : demoModel();
      ImageDataset stream = mix(DataSources.open(testData));
      Map<String, Object> cfg = new HashMap<>();
      cfg.put(DetectorConfig.BOOTSTRAP_SERVERS, servers);
      cfg.put(DetectorConfig.APPLICATION_ID, "vaestream-demo-" + suffix);
      cfg.put(DetectorConfig.MODEL_PATH, modelFile.toString());
      cfg.put(DetectorConfig.INPUT_TOPIC, images);
      cfg.put(DetectorConfig.SCORES_TOPIC, scores);
      cfg.put(DetectorConfig.ANOMALIES_TOPIC, "demo-anomalies-" + suffix);
      cfg.put(DetectorConfig.DLQ_TOPIC, "demo-dlq-" + suffix);
      cfg.put(DetectorConfig.HTTP_PORT, 0);
      cfg.put(StreamsConfig.STATE_DIR_CONFIG, out.resolve("state").toString());
      say("starting the detector with " + modelFile);
      ScoreSummary summary = new ScoreSummary();
      List<AnomalyScore> all = new ArrayList<>();
      long streamStart;
      try (Detector detector = Detector.start(new DetectorConfig(cfg));
          KafkaConsumer<byte[], byte[]> consumer = ScoreConsumers.open(servers, scores, true, "vaestream-demo")) {
        consumer.poll(Duration.ofMillis(100));
        streamStart = System.nanoTime();
        Thread producer = new Thread(() -> new ImageSender(servers, images)
            .send(stream, stream.size(), "demo", Set.of(normalClass), rate, n -> { }), "demo-producer");
        producer.start();
        long lastLine = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (summary.n < stream.size() && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            AnomalyScore s = AvroSerdes.anomalyScore().deserializer().deserialize(scores, r.value());
            summary.add(s);
            all.add(s);
          }
          if (System.nanoTime() - lastLine > 1_000_000_000L) {
            System.err.print("\r" + summary.line().replace("[tail] ", "[demo] ") + "   ");
            lastLine = System.nanoTime();
          }
        }
        producer.join();
        System.err.println();
      }
      double streamSeconds = (System.nanoTime() - streamStart) / 1e9;
      Path report = DemoReport.write(out, modelFile, stream, all, summary);
      System.out.printf(Locale.ROOT, "%n=== vaestream demo: %s class %d (%s) is normal ===%n", testData, normalClass,
          stream.className(normalClass));
      System.out.printf(Locale.ROOT, "events scored      %d of %d (%d anomalous by label)%n", summary.n, stream.size(),
          all.stream().filter(s -> Boolean.TRUE.equals(s.getAnomalous())).count());
      System.out.printf(Locale.ROOT, "flagged            %d%n", summary.flagged);
      System.out.printf(Locale.ROOT, "precision, recall  %.3f, %.3f   (AUROC %.4f)%n", summary.precision(),
          summary.recall(), summary.aurocValue());
      System.out.printf(Locale.ROOT, "throughput         %.0f events/s end to end%n", summary.n / streamSeconds);
      System.out.printf(Locale.ROOT, "latency            p50 %.0f ms, p99 %.0f ms (event to score, producer flat out)%n",
          summary.latency(0.5), summary.latency(0.99));
      System.out.printf(Locale.ROOT, "report             %s%n", report);
      System.out.printf(Locale.ROOT, "took               %.0f s%n", (System.nanoTime() - t0) / 1e9);
      return summary.n == stream.size() ? 0 : 1;
    } finally {
      if (kafka != null) {
        kafka.close();
      }
    }
  }

  private Path demoModel() throws Exception {
    return DemoModel.ensure(trainData, normalClass, epochs);
  }

  /** Test images: normals of the class, and anomalies from the others, shuffled. */
  private ImageDataset mix(ImageDataset test) {
    int anomalies = (int) Math.round(events * anomalyFraction);
    ImageDataset normal = test.filterLabels(l -> l == normalClass, "normal").shuffled(1);
    ImageDataset other = test.filterLabels(l -> l != normalClass, "anomalous").shuffled(2);
    int nNormal = Math.min(events - anomalies, normal.size());
    int nAnom = Math.min(anomalies, other.size());
    ImageDataset mixed = normal.sample(nNormal, 3).concat(other.sample(nAnom, 4), "fashion-mnist:test mix");
    return mixed.shuffled(5);
  }

  private static void say(String s) {
    System.err.println("[demo] " + s);
  }
}
