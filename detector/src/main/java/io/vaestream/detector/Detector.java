package io.vaestream.detector;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.metrics.HttpEndpoints;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.topology.DetectorTopology;
import java.io.IOException;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running detector: the scorer, the Kafka Streams instance and the HTTP endpoints, started
 * together and closed together. {@link DetectorApp} runs one until SIGTERM; tests and the demo
 * embed one.
 */
public final class Detector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Detector.class);

  private final Scorer scorer;
  private final KafkaStreams streams;
  private final HttpEndpoints http;
  private final DetectorMetrics metrics;
  private final AutoCloseable processMetrics;

  private Detector(Scorer scorer, KafkaStreams streams, HttpEndpoints http, DetectorMetrics metrics,
      AutoCloseable processMetrics) {
    this.scorer = scorer;
    this.streams = streams;
    this.http = http;
    this.metrics = metrics;
    this.processMetrics = processMetrics;
  }

  /**
   * Loads and checks the model, then starts streaming. Throws, and leaves nothing running, if the
   * model fails its checks.
   */
  public static Detector start(DetectorConfig config) throws IOException {
    OnnxScorer scorer = OnnxScorer.open(config.modelPath(), config.device(), null, config.modelSha256(),
        config.inferenceThreads());
    if (config.thresholdOverride() != null) {
      scorer.setThreshold(config.thresholdOverride());
    }
    return start(config, scorer);
  }

  /** Starts streaming with a scorer the caller opened; the detector closes it. For benchmarks. */
  public static Detector start(DetectorConfig config, Scorer scorer) throws IOException {
    try {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      DetectorMetrics metrics = new DetectorMetrics(registry);
      if (scorer instanceof OnnxScorer onnx) {
        metrics.bindNativeObjects(onnx.nativeObjects());
      }
      KafkaStreams streams = new KafkaStreams(
          DetectorTopology.build(new StreamsBuilder(), config, scorer, metrics),
          DetectorTopology.properties(config, metrics));
      new KafkaStreamsMetrics(streams).bindTo(registry);
      streams.setUncaughtExceptionHandler(e -> {
        // Pending images stay in the changelogged batch store, so a replaced thread loses nothing.
        LOG.error("stream thread failed; replacing it", e);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
      });
      HttpEndpoints http = config.httpPort() == 0
          ? null
          : HttpEndpoints.start(config.httpBindAddress(), config.httpPort(), registry::scrape,
              () -> streams.state().isRunningOrRebalancing() || streams.state() == KafkaStreams.State.CREATED,
              () -> streams.state() == KafkaStreams.State.RUNNING);
      AutoCloseable processMetrics = metrics.bindProcessMetrics();
      streams.start();
      LOG.info("detector started: {} -> {} / {} (dead letters: {}), {} on {}, batches of up to {} or {} ms",
          config.inputTopic(), config.scoresTopic(), config.anomaliesTopic(), config.dlqTopic(),
          config.getString(DetectorConfig.PROCESSING_GUARANTEE),
          scorer instanceof OnnxScorer o ? o.device() : scorer.getClass().getSimpleName(), config.batchMaxSize(),
          config.batchMaxWaitMs());
      return new Detector(scorer, streams, http, metrics, processMetrics);
    } catch (RuntimeException | IOException e) {
      scorer.close();
      throw e;
    }
  }

  public KafkaStreams streams() {
    return streams;
  }

  public DetectorMetrics metrics() {
    return metrics;
  }

  public Scorer scorer() {
    return scorer;
  }

  /** Stops streaming (committing what was processed), then the endpoints and the model. */
  @Override
  public void close() {
    try {
      streams.close(Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      LOG.warn("closing Kafka Streams failed", e);
    }
    if (http != null) {
      http.close();
    }
    scorer.close();
    try {
      processMetrics.close();
    } catch (Exception e) {
      LOG.warn("closing the JVM metrics failed", e);
    }
    LOG.info("detector stopped");
  }
}
