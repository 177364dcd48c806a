package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaestream.detector.Detector;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.score.Metrics;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's path with normal images only: a folder holding one class of PNGs (Fashion-MNIST
 * shirts, nothing else anywhere) trains a fused model; {@code vaestream score} scores the test set
 * offline; the detector on a real broker emits the same scores for the same images. CI runs a
 * small version (800 shirts, 3 epochs); the full-size run, reported in docs/evaluation, is
 * {@code -Dvaestream.folder.images=6000 -Dvaestream.folder.epochs=20 -Dvaestream.folder.min-auroc=0.85
 * -Dvaestream.folder.events=2000}.
 */
@Timeout(600)
class FolderModelIT {
  private static final int SHIRT = 6;
  private static final int IMAGES = Integer.getInteger("vaestream.folder.images", 800);
  private static final int EPOCHS = Integer.getInteger("vaestream.folder.epochs", 3);
  private static final int EVENTS = Integer.getInteger("vaestream.folder.events", 300);
  private static final double MIN_AUROC =
      Double.parseDouble(System.getProperty("vaestream.folder.min-auroc", "0.75"));

  @TempDir
  Path dir;

  @Test
  void shouldTrainFromAFolderOfNormalsAndScoreTheSameOfflineAndOnKafka() throws Exception {
    TestData.assumeFashionMnist();
    ImageDataset train = DataSources.open("fashion-mnist:train");
    Path folder = dir.resolve("normals");
    Path shirts = Files.createDirectories(folder.resolve("shirt"));
    int written = 0;
    for (int i = 0; i < train.size() && written < IMAGES; i++) {
      if (train.label(i) == SHIRT) {
        ImageIO.write(
            grey(train.image(i)),
            "png",
            shirts.resolve("shirt-" + written++ + ".png").toFile());
      }
    }
    Path run = dir.resolve("run");
    assertThat(VaestreamApp.commandLine()
            .execute(
                "train",
                "--data",
                folder.toString(),
                "--arch",
                "mlp",
                "--epochs",
                String.valueOf(EPOCHS),
                "--out",
                run.toString()))
        .isZero();
    Path model = run.resolve("model.onnx");
    Path scores = dir.resolve("scores.jsonl");
    assertThat(score(model, "fashion-mnist:test", String.valueOf(SHIRT), scores))
        .isZero();
    List<JsonNode> offline;
    ObjectMapper json = new ObjectMapper();
    try (Stream<String> lines = Files.lines(scores)) {
      offline = lines
          .map(l -> {
            try {
              return json.readTree(l);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .toList();
    }
    assertThat(offline).hasSize(10_000);
    double[] offlineScores =
        offline.stream().mapToDouble(j -> j.get("score").asDouble()).toArray();
    boolean[] anomalous = new boolean[offlineScores.length];
    for (int i = 0; i < offlineScores.length; i++) {
      anomalous[i] = offline.get(i).get("is_anomaly_by_label").asBoolean();
    }
    double auroc = Metrics.auroc(offlineScores, anomalous);
    System.out.printf(
        "folder model (%d shirts, %d epochs): AUROC %.4f on fashion-mnist:test, class 6 normal%n",
        written, EPOCHS, auroc);
    assertThat(auroc).isGreaterThanOrEqualTo(MIN_AUROC);

    // The user's own folder, scored: each row names its file, and the class may be named too.
    Path own = dir.resolve("own.csv");
    assertThat(score(model, folder.toString(), "shirt", own)).isZero();
    List<String> rows = Files.readAllLines(own);
    assertThat(rows.get(0)).startsWith("index,file,label,score,is_anomaly");
    assertThat(rows).hasSize(written + 1);
    assertThat(rows.get(1)).startsWith("0,shirt/shirt-0.png,0,");

    ImageDataset test = DataSources.open("fashion-mnist:test");
    int n = EVENTS;
    LocalPipeline pipeline = LocalPipeline.create();
    Map<String, Object> p = pipeline.detectorConfig(model, dir.resolve("state"));
    Map<Integer, Double> online = new HashMap<>();
    try (Detector detector = Detector.start(new DetectorConfig(p));
        KafkaProducer<byte[], byte[]> producer = pipeline.producer();
        KafkaConsumer<byte[], byte[]> consumer = pipeline.readCommitted()) {
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(
            pipeline.images(),
            AvroSerdes.imageEvent()
                .serializer()
                .serialize(pipeline.images(), ImageSender.event(test, i, "t-" + i, null))));
      }
      producer.flush();
      consumer.subscribe(List.of(pipeline.scores()));
      await().atMost(Duration.ofSeconds(120)).until(() -> {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          AnomalyScore s =
              AvroSerdes.anomalyScore().deserializer().deserialize(pipeline.scores(), r.value());
          online.put(Integer.parseInt(s.getEventId().substring(2)), s.getScore());
        }
        return online.size() >= n;
      });
    }
    for (int i = 0; i < n; i++) {
      assertThat(online.get(i))
          .as("image %d", i)
          .isCloseTo(
              offline.get(i).get("score").asDouble(),
              offset(1e-5 * Math.max(1, Math.abs(online.get(i)))));
    }
  }

  private static BufferedImage grey(float[] pixels) {
    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        int v = Math.round(pixels[y * 28 + x] * 255);
        img.getRaster().setSample(x, y, 0, v);
      }
    }
    return img;
  }

  /** {@code vaestream score}, as a user runs it; its exit code. */
  private static int score(Path model, String data, String normalClasses, Path out) {
    return VaestreamApp.commandLine()
        .execute(
            "score",
            "--model",
            model.toString(),
            "--data",
            data,
            "--normal-classes",
            normalClasses,
            "--out",
            out.toString());
  }
}
