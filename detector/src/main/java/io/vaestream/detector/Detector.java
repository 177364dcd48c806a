package io.vaestream.detector;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.errors.DeadLetterFailures;
import io.vaestream.detector.errors.DeadLetterLimits;
import io.vaestream.detector.errors.DeadLetters;
import io.vaestream.detector.lifecycle.DriftMonitor;
import io.vaestream.detector.lifecycle.ModelWatcher;
import io.vaestream.detector.lifecycle.ShadowScoring;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.metrics.HttpEndpoints;
import io.vaestream.detector.metrics.StreamHealth;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.scoring.ScorerOptions;
import io.vaestream.detector.scoring.SwappableScorer;
import io.vaestream.detector.topology.BatchListener;
import io.vaestream.detector.topology.DetectorTopology;
import io.vaestream.detector.topology.EventFormats;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running detector: the scorer, the Kafka Streams instance and the HTTP endpoints, started
 * together and closed together. {@link DetectorApp} runs one until SIGTERM; tests and the demo
 * embed one.
 */
public final class Detector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Detector.class);
  /** A topic's {@code max.message.bytes} when neither it nor the broker sets one. */
  private static final int KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;
  /** How long a start may spend reading the models topic for its live model. */
  private static final Duration MODELS_CATCH_UP = Duration.ofSeconds(30);
  /** How long a start waits for a schema registry that does not answer. */
  private static final Duration REGISTRY_PATIENCE = Duration.ofSeconds(60);

  private final Scorer scorer;
  private final RestartingStreams streams;
  private final HttpEndpoints http;
  private final DetectorMetrics metrics;
  private final AutoCloseable processMetrics;
  private final ExecutorService inference;
  private final ModelWatcher models;
  private final ShadowScoring shadow;
  private final DriftMonitor drift;

  private Detector(
      Scorer scorer,
      RestartingStreams streams,
      HttpEndpoints http,
      DetectorMetrics metrics,
      AutoCloseable processMetrics,
      ExecutorService inference,
      ModelWatcher models,
      ShadowScoring shadow,
      DriftMonitor drift) {
    this.scorer = scorer;
    this.shadow = shadow;
    this.drift = drift;
    this.models = models;
    this.inference = inference;
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
    OnnxScorer scorer = OnnxScorer.open(
        config.modelPath(),
        ScorerOptions.on(config.device())
            .withSha256(config.modelSha256())
            .withThreads(config.inferenceThreads()));
    if (config.thresholdOverride() != null) {
      scorer.setThreshold(config.thresholdOverride());
    }
    return start(config, scorer);
  }

  /** Starts streaming with a scorer the caller opened; the detector closes it. For benchmarks. */
  public static Detector start(DetectorConfig config, Scorer first) throws IOException {
    // Published models take over from the first one between two batches (ModelWatcher).
    SwappableScorer scorer = new SwappableScorer(first);
    if (!config.localization()) {
      scorer.disableLocalization();
    }
    ExecutorService inference = config.inferencePipelined() ? inferenceThreads(config) : null;
    // What is running so far, closed in reverse order if the start fails half-way.
    ModelWatcher models = null;
    ShadowScoring shadow = null;
    RestartingStreams streams = null;
    HttpEndpoints http = null;
    AutoCloseable processMetrics = null;
    DriftMonitor drift = null;
    try {
      SizeLimits.check(config, scorer);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      DetectorMetrics metrics = new DetectorMetrics(registry);
      metrics.bindNativeObjects(scorer);
      metrics.bindModel(scorer);
      EventFormats formats = EventFormats.of(config);
      formats.registerOutputSchemas(config, REGISTRY_PATIENCE.toMillis());
      // Shared by every Kafka Streams client of this detector: a restart keeps the registry's
      // cached schemas and the memory of dead letters that could not be written.
      DeadLetters letters =
          new DeadLetters(config.dlqTopic(), deadLetterLimits(config), formats.deadLetters());
      DeadLetterFailures deadLetterFailures = new DeadLetterFailures(config.dlqFailurePolicy());
      // What watches each scored batch besides the scores topic.
      List<BatchListener> listeners = new ArrayList<>();
      if (config.modelsTopic() != null) {
        shadow = new ShadowScoring(
            config.shadowScoresTopic(),
            clientSettings(config, "shadow-scores"),
            formats.scores().serializer(),
            config.shadowTimeBudget(),
            config.shadowWindowEvents(),
            registry);
        listeners.add(shadow);
      }
      drift = driftMonitor(config, scorer, metrics);
      if (drift != null) {
        listeners.add(drift);
      }
      BatchListener listener = BatchListener.all(listeners);
      Supplier<KafkaStreams> clients = () -> {
        Properties props =
            DetectorTopology.properties(config, metrics, letters, deadLetterFailures);
        // The builder gets the real properties: a bare StreamsBuilder makes a StreamsConfig of its
        // defaults, which warns about settings the detector does set.
        return new KafkaStreams(
            DetectorTopology.build(
                new StreamsBuilder(new TopologyConfig(new StreamsConfig(props))),
                config,
                scorer,
                metrics,
                inference != null ? inference : Runnable::run,
                formats,
                listener),
            props);
      };
      streams = new RestartingStreams(
          clients,
          deadLetterFailures::fatalReason,
          registry,
          config.getString(DetectorConfig.APPLICATION_ID),
          (state, restarting) -> new StreamHealth(
              state,
              restarting,
              metrics::progress,
              config.healthMaxRestarts(),
              Duration.ofMillis(config.healthRestartWindowMs()),
              Clock.systemUTC()));
      StreamHealth health = streams.health();
      metrics.bindHealth(health);
      http = config.httpPort() == 0
          ? null
          : HttpEndpoints.start(
              config.httpBindAddress(),
              config.httpPort(),
              registry::scrape,
              health::unhealthy,
              health::notReady);
      processMetrics = metrics.bindProcessMetrics();
      // The live published model, if there is one, before the first record is scored.
      models = modelWatcher(config, scorer, shadow, metrics);
      streams.start();
      LOG.info(
          "detector started: {} -> {} / {} (dead letters: {}), {} on {}, batches of up to {} or {} ms, {}; "
              + "schema registry: {}, writing {}",
          config.inputTopic(),
          config.scoresTopic(),
          config.anomaliesTopic(),
          config.dlqTopic(),
          config.getString(DetectorConfig.PROCESSING_GUARANTEE),
          scorer.device(),
          config.batchMaxSize(),
          config.batchMaxWaitMs(),
          inference != null ? "pipelined" : "on the stream thread",
          formats.registry() == null ? "none" : formats.registry().describe(),
          config.confluentOutput() ? "the Confluent wire format" : "Avro single-object encoding");
      return new Detector(
          scorer, streams, http, metrics, processMetrics, inference, models, shadow, drift);
    } catch (RuntimeException | IOException e) {
      closeQuietly(models, streams, shadow, drift, http, processMetrics);
      if (inference != null) {
        inference.shutdownNow();
      }
      scorer.close();
      throw e;
    }
  }

  private static void closeQuietly(AutoCloseable... started) {
    for (AutoCloseable c : started) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", c.getClass().getSimpleName(), e);
      }
    }
  }

  /**
   * Dead letters sized for what the producer sends and what the dead-letter topic accepts, the
   * latter read from the broker. A topic the broker does not know yet (it may be created on first
   * write) is assumed to take Kafka's default message size.
   */
  static DeadLetterLimits deadLetterLimits(DetectorConfig config) {
    String topic = config.dlqTopic();
    int topicMax = KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
    Map<String, Object> admin =
        new StreamsConfig(config.streamsProperties()).getAdminConfigs("vaestream-limits");
    try (Admin client = Admin.create(admin)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config described = client
          .describeConfigs(List.of(resource))
          .all()
          .get(30, TimeUnit.SECONDS)
          .get(resource);
      ConfigEntry entry =
          described == null ? null : described.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      if (entry != null && entry.value() != null) {
        topicMax = Integer.parseInt(entry.value());
      }
    } catch (ExecutionException e) {
      LOG.warn(
          "cannot read {} of dead-letter topic {} ({}); assuming Kafka's default {}",
          TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
          topic,
          e.getCause().getMessage(),
          topicMax);
    } catch (TimeoutException e) {
      LOG.warn(
          "cannot read {} of dead-letter topic {} (no answer in 30 s); assuming Kafka's default {}",
          TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
          topic,
          topicMax);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    DeadLetterLimits limits =
        DeadLetterLimits.of(config.dlqMaxValueBytes(), config.producerMaxRequestSize(), topicMax);
    LOG.info(
        "dead letters of at most {} bytes (max.request.size {}, {} max.message.bytes {}); they keep up to {} "
            + "bytes of the original value",
        limits.recordMaxBytes(),
        config.producerMaxRequestSize(),
        topic,
        topicMax,
        Math.min(limits.valueMaxBytes(), limits.recordMaxBytes()));
    return limits;
  }

  /** A follower of the models topic, started, or null when none is configured. */
  private static ModelWatcher modelWatcher(
      DetectorConfig config,
      SwappableScorer scorer,
      ShadowScoring shadow,
      DetectorMetrics metrics) {
    String topic = config.modelsTopic();
    if (topic == null) {
      return null;
    }
    ModelWatcher w = new ModelWatcher(
        topic,
        clientSettings(config, "models"),
        scorer,
        shadow,
        ScorerOptions.on(config.device()).withThreads(config.inferenceThreads()),
        config.thresholdOverride(),
        next -> SizeLimits.check(config, next),
        instance(config),
        metrics);
    try {
      w.start(MODELS_CATCH_UP);
    } catch (RuntimeException e) {
      w.close(); // its consumer and status producer, which the caller never gets to close
      throw e;
    }
    return w;
  }

  /** The drift monitor, or null when {@code drift.enabled} is false. */
  private static DriftMonitor driftMonitor(
      DetectorConfig config, SwappableScorer scorer, DetectorMetrics metrics) {
    if (!config.driftEnabled()) {
      return null;
    }
    return DriftMonitor.start(
        config, clientSettings(config, "drift"), scorer::current, metrics, instance(config));
  }

  /** This instance's name in status and drift events: its group.instance.id, else the application id and pid. */
  private static String instance(DetectorConfig config) {
    Object id = config.streamsProperties().get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    return id != null
        ? id.toString()
        : config.getString(DetectorConfig.APPLICATION_ID) + "-"
            + ProcessHandle.current().pid();
  }

  /** Settings (bootstrap servers, security) for a plain Kafka client of this detector's, named {@code role}. */
  private static Map<String, Object> clientSettings(DetectorConfig config, String role) {
    return new StreamsConfig(config.streamsProperties())
        .getAdminConfigs(instance(config) + "-" + role);
  }

  /** One inference thread per stream thread: each task has at most one batch in flight. */
  private static ExecutorService inferenceThreads(DetectorConfig config) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(Math.max(1, config.streamThreads()), r -> {
      Thread t = new Thread(r, "vaestream-inference-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The Kafka Streams client running now; a new one after a stream thread failed. */
  public KafkaStreams streams() {
    return streams.current();
  }

  public DetectorMetrics metrics() {
    return metrics;
  }

  public Scorer scorer() {
    return scorer;
  }

  /**
   * Completes, with the reason, when streaming stopped for good without {@link #close()}: the
   * dead-letter policy {@code fail} met a dead letter it could not write.
   */
  public CompletableFuture<String> stoppedForGood() {
    return streams.stoppedForGood();
  }

  /** Stops streaming (committing what was processed), then the endpoints and the model. */
  @Override
  public void close() {
    // each in turn, whatever the one before threw; the drift monitor after Kafka Streams, so that
    // no batch is handed to it any more
    closeQuietly(models, streams, shadow, drift, http);
    if (inference != null) {
      // Streams is closed: its processors have waited for their batches, so nothing runs here.
      inference.shutdown();
    }
    closeQuietly(scorer::close, processMetrics);
    LOG.info("detector stopped");
  }
}
