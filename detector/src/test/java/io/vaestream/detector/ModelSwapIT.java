package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.lifecycle.ModelPublisher;
import io.vaestream.detector.testing.DetectorHttp;
import io.vaestream.detector.testing.KafkaBroker;
import io.vaestream.detector.testing.ScoreTally;
import io.vaestream.detector.testing.TestDetectors;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.events.AnomalyScore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new model published while events stream through a detector under exactly_once_v2: it takes
 * over between two batches, without a restart; every event gets exactly one score, and per input
 * partition every score before the switch is the old model's and every score after it the new
 * one's. Then a corrupt model is published: it is rejected with its reason (status topic, metric)
 * and the live model keeps scoring.
 */
@Timeout(240)
class ModelSwapIT {
  private static final int EVENTS = 2000;

  @TempDir
  Path dir;

  private long publishedAt;

  @Test
  void shouldSwapAPublishedModelInBetweenBatchesAndRejectACorruptOne() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    String prefix = TestDetectors.createTopics(kafka, "swap", 2);
    String models = TestDetectors.models(prefix);
    int port = TestDetectors.freePort();
    Path v7 = TinyVaeModel.write(dir.resolve("v7"), 0.48, "7");
    Map<String, Object> p = TestDetectors.swappable(kafka, v7, prefix, dir.resolve("state"), port);
    // room for a flagged event of v7 and v8, which have no anomaly maps, but not for one with a map
    p.put("producer.max.request.size", SizeLimits.FLAGGED_EVENT_ROOM + 256);
    try (Detector detector = Detector.start(new DetectorConfig(p));
        ScoreTally tally = new ScoreTally(kafka.bootstrapServers(), TestDetectors.scores(prefix))) {
      Map<Integer, List<AnomalyScore>> byPartition =
          streamThroughASwap(kafka, prefix, models, EVENTS, 250, tally);
      long firstV8 = byPartition.values().stream()
          .flatMap(List::stream)
          .filter(x -> x.getModelVersion().equals("8"))
          .mapToLong(x -> x.getScoredTime().toEpochMilli())
          .min()
          .orElseThrow();
      System.out.printf(
          "model v8 published; first v8 score %d ms later; %d of %d scored once%n",
          firstV8 - publishedAt, tally.perId.size(), EVENTS);

      ModelPublisher.publish(
          kafka.clientSettings(),
          models,
          "this is not an ONNX model".getBytes(StandardCharsets.UTF_8));
      List<String> statuses;
      try (KafkaConsumer<byte[], byte[]> status =
          TestDetectors.readCommitted(kafka.bootstrapServers(), models + ".status")) {
        statuses = TestDetectors.awaitStatus(status, "\"outcome\":\"rejected\"");
      }
      String rejected =
          statuses.stream().filter(s -> s.contains("rejected")).findFirst().orElseThrow();
      System.out.println("status: " + rejected);
      assertThat(rejected).contains("ONNX Runtime cannot load the model");
      assertThat(statuses)
          .anyMatch(s -> s.contains("\"outcome\":\"live\"") && s.contains("tiny v8"));
      assertThat(DetectorHttp.metrics(port))
          .contains("vaestream_model_swaps_total 1.0", "vaestream_model_rejections_total 1.0")
          .containsPattern("vaestream_model_info\\{[^}]*version=\"8\"");

      // A model with anomaly maps is held to the limits the first model met at start: its flagged
      // events would be refused by the producer, record after record.
      ModelPublisher.publish(
          kafka.clientSettings(),
          models,
          Files.readAllBytes(TinyVaeModel.writeWithMap(dir.resolve("maps"), 0.5, false)));
      try (KafkaConsumer<byte[], byte[]> status =
          TestDetectors.readCommitted(kafka.bootstrapServers(), models + ".status")) {
        String tooLarge = TestDetectors.awaitStatus(status, "a flagged event of this").stream()
            .filter(s -> s.contains("a flagged event of this"))
            .findFirst()
            .orElseThrow();
        assertThat(tooLarge).contains("\"outcome\":\"rejected\"", "max.request.size");
      }

      TestDetectors.sendPaced(
          kafka.bootstrapServers(), TestDetectors.images(prefix), "after", 200, 1000);
      List<AnomalyScore> after = tally.awaitEvents("after", 200, Duration.ofSeconds(60));
      assertThat(after)
          .as("v8 keeps scoring after the rejection")
          .allMatch(s -> s.getModelVersion().equals("8"));
    }
  }

  @Test
  void shouldSwapOnTwoInstancesWithoutLosingRepeatingOrStallingAnEvent() throws Exception {
    int events = Integer.getInteger("vaestream.swap.events", 20_000);
    KafkaBroker kafka = KafkaBroker.shared();
    String prefix = TestDetectors.createTopics(kafka, "swap2", 4);
    String models = TestDetectors.models(prefix);
    Path v7 = TinyVaeModel.write(dir.resolve("v7"), 0.48, "7");
    List<Detector> detectors = new ArrayList<>();
    try (ScoreTally tally =
        new ScoreTally(kafka.bootstrapServers(), TestDetectors.scores(prefix))) {
      for (String instance : List.of("a", "b")) {
        detectors.add(Detector.start(new DetectorConfig(
            TestDetectors.swappable(kafka, v7, prefix, dir.resolve("state-" + instance), 0))));
      }
      // Both running with partitions of their own before the stream starts: the gaps measured
      // below are the swap's, not the group's first rebalance.
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> detectors.stream()
              .allMatch(
                  d -> d.streams().state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING
                      && d.streams().metadataForLocalThreads().stream()
                          .anyMatch(t -> !t.activeTasks().isEmpty())));
      Map<Integer, List<AnomalyScore>> byPartition =
          streamThroughASwap(kafka, prefix, models, events, 1000, tally);
      long maxGap = 0;
      for (List<AnomalyScore> inOrder : byPartition.values()) {
        for (int i = 1; i < inOrder.size(); i++) {
          maxGap = Math.max(
              maxGap,
              inOrder.get(i).getScoredTime().toEpochMilli()
                  - inOrder.get(i - 1).getScoredTime().toEpochMilli());
        }
      }
      System.out.printf(
          "two instances, %d events at 1000/s: %d scored once, v7 then v8 on each of %d partitions; "
              + "longest gap between two scores of a partition %d ms%n",
          events, tally.perInput.size(), byPartition.size(), maxGap);
      assertThat(maxGap).as("no gap longer than the batch wait plus 1 s").isLessThan(1005);
    } finally {
      detectors.forEach(Detector::close);
    }
  }

  /**
   * Streams {@code events} image events at {@code rate} per second, publishes model v8 (threshold
   * 0.6) a third of the way through, and waits for every score. Checks that each input record got
   * exactly one, and that per input partition the versions run v7 then v8, the v8 scores carrying
   * v8's threshold; returns the scores per input partition in offset order.
   */
  private Map<Integer, List<AnomalyScore>> streamThroughASwap(
      KafkaBroker kafka, String prefix, String models, int events, int rate, ScoreTally tally)
      throws Exception {
    List<AnomalyScore> scores = new ArrayList<>();
    Thread sender = new Thread(
        () -> TestDetectors.sendPaced(
            kafka.bootstrapServers(), TestDetectors.images(prefix), "e", events, rate),
        "swap-it-producer");
    sender.start();
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      scores.addAll(tally.drain(Duration.ofMillis(200)));
      return tally.perId.size() >= events / 3;
    });
    Path v8 = TinyVaeModel.write(dir.resolve("v8"), 0.6, "8");
    publishedAt = System.currentTimeMillis();
    ModelPublisher.publish(kafka.clientSettings(), models, v8, ModelPublisher.Role.LIVE);
    await().atMost(Duration.ofSeconds(180)).until(() -> {
      scores.addAll(tally.drain(Duration.ofMillis(200)));
      return tally.perId.size() >= events;
    });
    sender.join();
    scores.addAll(tally.drain(Duration.ofSeconds(1)));
    tally.assertOneScorePerInputRecord(events);
    Map<Integer, List<AnomalyScore>> byPartition = new TreeMap<>();
    scores.stream()
        .sorted(Comparator.comparingLong(AnomalyScore::getInputOffset))
        .forEach(x -> byPartition
            .computeIfAbsent(x.getInputPartition(), k -> new ArrayList<>())
            .add(x));
    byPartition.forEach((partition, inOrder) -> {
      String versions =
          String.join("", inOrder.stream().map(AnomalyScore::getModelVersion).toList());
      assertThat(versions)
          .as("partition %d: v7 until the switch, v8 after it", partition)
          .matches("7+8+");
      assertThat(inOrder.stream()
              .filter(x -> x.getModelVersion().equals("8"))
              .findFirst()
              .orElseThrow()
              .getThreshold())
          .as("the new model's threshold labels its scores")
          .isEqualTo(0.6);
    });
    return byPartition;
  }
}
