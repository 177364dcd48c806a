package io.vaestream.tools;

import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.score.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The demo's traffic against a running detector: a warm-up sent flat out, which also measures how
 * fast the detector scores, then the measured stream at a steady rate, read back from the scores
 * and anomalies topics as a user's consumer would ({@code read_committed}).
 */
final class DemoStream {
  /** The id prefix of the warm-up images, which the summary leaves out. */
  static final String WARMUP = "warmup";

  private final String servers;
  private final String images;
  private final String scores;
  private final String anomalies;
  private final Deserializer<AnomalyScore> decoder = AvroSerdes.anomalyScore().deserializer();

  DemoStream(String servers, String images, String scores, String anomalies) {
    this.servers = servers;
    this.images = images;
    this.scores = scores;
    this.anomalies = anomalies;
  }

  /**
   * What the stream gave.
   *
   * @param warmRate events per second the detector scored the warm-up backlog at; NaN without one
   * @param sendRate events per second the stream was sent at; 0 for flat out
   * @param steadyRate events per second scored between the 10th and the 90th percentile score
   * @param visibleMs per score, milliseconds from its event's time to its arrival at this demo's
   *     {@code read_committed} consumer, as a user's consumer sees it
   */
  record Result(
      ScoreSummary summary,
      List<AnomalyScore> all,
      List<AnomalyScore> flagged,
      double warmRate,
      double sendRate,
      double steadyRate,
      double[] visibleMs) {

    /** Quantile {@code q} of {@link #visibleMs}; NaN without scores. */
    double visible(double q) {
      return visibleMs.length == 0 ? Double.NaN : Metrics.quantile(visibleMs.clone(), q);
    }
  }

  /**
   * Seconds of the stream sent at its rate before the measured events, left out of the summary as
   * the benchmarks leave out the first seconds of a latency trial: a detector warmed up on a
   * backlog meets small batches, a new producer and a new pace there.
   */
  static final double LEAD_IN_SECONDS = 3;

  /**
   * Warms the detector up with {@code warmup} images of {@code stream}, then sends {@code events}
   * of them (round the data set) at {@code rate} images per second, or at half the warm-up's rate
   * when {@code rate} is null, after {@link #LEAD_IN_SECONDS} of lead-in at that rate when there
   * was a warm-up, and reads every score back.
   */
  Result run(ImageDataset stream, Set<Integer> normal, int warmup, int events, Double rate) {
    try (KafkaConsumer<byte[], byte[]> consumer =
            ScoreConsumers.open(servers, scores, true, "vaestream-demo");
        KafkaConsumer<byte[], byte[]> anomalyConsumer =
            ScoreConsumers.open(servers, anomalies, true, "vaestream-demo-anomalies")) {
      consumer.poll(Duration.ofMillis(100));
      double warmRate = Double.NaN;
      if (warmup > 0) {
        DemoCommand.say(String.format(
            Locale.ROOT, "warming up with %d images sent flat out (not in the summary)", warmup));
        warmRate = warmUp(stream, warmup, consumer);
      }
      double sendRate = rate != null ? rate : Double.isFinite(warmRate) ? warmRate / 2 : 0;
      int leadIn = warmup > 0 && sendRate > 0 ? (int) Math.round(LEAD_IN_SECONDS * sendRate) : 0;
      DemoCommand.say(String.format(
          Locale.ROOT,
          "%s; streaming %d images at %s%s",
          warmup > 0
              ? String.format(Locale.ROOT, "the detector scored %.0f events/s flat out", warmRate)
              : "no warm-up",
          events,
          sendRate > 0 ? String.format(Locale.ROOT, "%.0f events/s", sendRate) : "full speed",
          leadIn > 0
              ? String.format(
                  Locale.ROOT, ", after %d more at that rate (not in the summary)", leadIn)
              : ""));
      return stream(stream, normal, leadIn, events, warmRate, sendRate, consumer, anomalyConsumer);
    }
  }

  /** Sends {@code leadIn} images and then the measured stream at one pace, and reads them back. */
  private Result stream(
      ImageDataset stream,
      Set<Integer> normal,
      int leadIn,
      int events,
      double warmRate,
      double sendRate,
      KafkaConsumer<byte[], byte[]> consumer,
      KafkaConsumer<byte[], byte[]> anomalyConsumer) {
    ScoreSummary summary = new ScoreSummary();
    List<AnomalyScore> all = new ArrayList<>();
    List<AnomalyScore> flagged = new ArrayList<>();
    long[] arrivals = new long[events];
    double[] visible = new double[events];
    // One producer for both, so that the measured events meet neither its start nor a new pace.
    CompletableFuture<Void> producer = sending(
        "demo-producer",
        () -> new ImageSender(servers, images)
            .send(
                stream,
                leadIn + events,
                i -> i < leadIn ? WARMUP + "-paced-" + i : "demo-" + (i - leadIn),
                normal,
                sendRate,
                n -> {}));
    long lastLine = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (summary.count() < events
        && System.nanoTime() < deadline
        && !producer.isCompletedExceptionally()) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
        AnomalyScore s = decoder.deserialize(scores, r.value());
        if (warmUp(s)) {
          continue;
        }
        if (summary.count() < events) {
          arrivals[(int) summary.count()] = System.nanoTime();
          visible[(int) summary.count()] =
              System.currentTimeMillis() - s.getEventTime().toEpochMilli();
        }
        summary.add(s);
        all.add(s);
      }
      readInto(flagged, anomalyConsumer, Duration.ZERO);
      if (System.nanoTime() - lastLine > 1_000_000_000L) {
        System.err.print("\r" + summary.line().replace("[tail] ", "[demo] ") + "   ");
        lastLine = System.nanoTime();
      }
    }
    join(producer);
    System.err.println();
    // the flagged events' transactions committed with their scores: drain what is left
    long drain = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (flagged.size() < summary.flagged() && System.nanoTime() < drain) {
      readInto(flagged, anomalyConsumer, Duration.ofMillis(200));
    }
    double steady = steadyRate(arrivals, (int) summary.count());
    int n = (int) Math.min(summary.count(), events);
    return new Result(summary, all, flagged, warmRate, sendRate, steady, Arrays.copyOf(visible, n));
  }

  /**
   * Scores per second between the 10th and the 90th percentile arrival, as the benchmarks measure
   * steady throughput: start-up and the last transaction's commit left out.
   */
  static double steadyRate(long[] arrivals, int n) {
    int from = n / 10;
    int to = n * 9 / 10;
    if (to <= from || arrivals[to - 1] <= arrivals[from]) {
      return Double.NaN;
    }
    return (to - 1 - from) / ((arrivals[to - 1] - arrivals[from]) / 1e9);
  }

  /**
   * Sends {@code count} images of {@code stream} flat out, as {@link #WARMUP}, and waits for their
   * scores, so that the measured stream meets a detector that has compiled its code and filled its
   * pools. Returns the rate it scored the second half of them at, when its code was warm: the
   * scores that arrive after the poll that passes the half, over the time since that poll. A
   * {@code read_committed} consumer receives them a transaction at a time, so a small warm-up can
   * end in that very poll; the rate is then taken over the whole warm-up, from its first send.
   */
  private double warmUp(ImageDataset stream, int count, KafkaConsumer<byte[], byte[]> scores) {
    long start = System.nanoTime();
    CompletableFuture<Void> sender = sending(
        "demo-warmup",
        () -> new ImageSender(servers, images).send(stream, count, WARMUP, null, 0, n -> {}));
    int half = count / 2;
    int seen = 0;
    int seenAtHalf = 0;
    long halfAt = 0;
    long last = start;
    long deadline = start + Duration.ofMinutes(2).toNanos();
    while (seen < count && System.nanoTime() < deadline && !sender.isCompletedExceptionally()) {
      int n = scores.poll(Duration.ofMillis(20)).count();
      if (n > 0) {
        last = System.nanoTime();
        if (seen <= half && seen + n > half) {
          halfAt = last;
          seenAtHalf = seen + n;
        }
        seen += n;
      }
    }
    join(sender);
    if (seen < count) {
      throw new IllegalStateException(
          "the detector scored " + seen + " of " + count + " warm-up images in 2 minutes");
    }
    return last > halfAt && seenAtHalf < count
        ? (count - seenAtHalf) / ((last - halfAt) / 1e9)
        : count / ((last - start) / 1e9);
  }

  /** Adds the scores one poll of {@code consumer} returns to {@code scores}, warm-up left out. */
  private void readInto(
      List<AnomalyScore> flagged, KafkaConsumer<byte[], byte[]> consumer, Duration timeout) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      AnomalyScore s = decoder.deserialize(anomalies, r.value());
      if (!warmUp(s)) {
        flagged.add(s);
      }
    }
  }

  /** Whether {@code s} is the score of a warm-up or lead-in image, which the summary leaves out. */
  private static boolean warmUp(AnomalyScore s) {
    return s.getEventId().startsWith(WARMUP + "-");
  }

  /** Runs {@code send} on a thread of its own; a failure ends the wait for its scores at once. */
  private static CompletableFuture<Void> sending(String name, Runnable send) {
    return CompletableFuture.runAsync(send, r -> new Thread(r, name).start());
  }

  /** Waits for {@code sending} to end, and fails with its reason where it failed. */
  private static void join(CompletableFuture<Void> sending) {
    try {
      sending.join();
    } catch (CompletionException e) {
      throw new IllegalStateException(
          "sending the demo's images failed: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
