package io.vaestream.detector.config;

import io.vaestream.detector.scoring.Device;
import io.vaestream.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The detector's configuration: one typed, validated {@link ConfigDef}, as Kafka's own {@code
 * StreamsConfig} is. Values are layered — defaults, then a properties file, then environment
 * variables ({@code VAESTREAM_BOOTSTRAP_SERVERS} sets {@code bootstrap.servers}), then the command
 * line — and any key this class does not define passes through to Kafka Streams (and, with the
 * usual {@code producer.}/{@code consumer.} prefixes, to its clients), SASL and SSL settings
 * included. A bad value fails with the key and the value named.
 *
 * <p>The key names are this class's constants; their types, defaults, validators and docs are
 * defined beside it, in {@link PipelineConfigDef} (what every detector runs with) and {@link
 * FeatureConfigDef} (drift, the schema registry, published and shadow models), and added to
 * {@link #CONFIG} only. The translation into Kafka Streams' properties is {@link
 * StreamsProperties}.
 */
public final class DetectorConfig extends AbstractConfig {
  public static final String BOOTSTRAP_SERVERS = StreamsConfig.BOOTSTRAP_SERVERS_CONFIG;
  public static final String APPLICATION_ID = StreamsConfig.APPLICATION_ID_CONFIG;
  public static final String PROCESSING_GUARANTEE = StreamsConfig.PROCESSING_GUARANTEE_CONFIG;
  public static final String INPUT_TOPIC = "input.topic";
  public static final String SCORES_TOPIC = "scores.topic";
  public static final String ANOMALIES_TOPIC = "anomalies.topic";
  public static final String DLQ_TOPIC = "dlq.topic";
  public static final String MODEL_PATH = "model.path";
  public static final String MODEL_SHA256 = "model.sha256";
  public static final String DEVICE = "device";
  public static final String THRESHOLD = "threshold";
  public static final String BATCH_MAX_SIZE = "batch.max.size";
  public static final String BATCH_MAX_WAIT_MS = "batch.max.wait.ms";
  public static final String MAX_RECORD_BYTES = "max.record.bytes";
  public static final String DLQ_MAX_VALUE_BYTES = "dlq.max.value.bytes";
  public static final String DLQ_FAILURE_POLICY = "dlq.failure.policy";
  /** Internal: the detector's {@code DeadLetters}, handed to the Streams error handlers. */
  public static final String DEAD_LETTERS_INSTANCE = "vaestream.dead.letters.instance";
  /** Internal: the detector's {@code DeadLetterFailures}, handed to the Streams error handlers. */
  public static final String DEAD_LETTER_FAILURES_INSTANCE =
      "vaestream.dead.letter.failures.instance";

  public static final String INFERENCE_THREADS = "inference.threads";
  public static final String INFERENCE_PIPELINED = "inference.pipelined";
  public static final String LOCALIZATION = "localization";
  public static final String HTTP_PORT = "http.port";
  public static final String HTTP_BIND_ADDRESS = "http.bind.address";
  public static final String STATIC_MEMBERSHIP = "static.membership";
  public static final String BATCH_STORE = "batch.store";
  public static final String HEALTH_MAX_RESTARTS = "health.max.restarts";
  public static final String HEALTH_RESTART_WINDOW_MS = "health.restart.window.ms";
  public static final String DRIFT_ENABLED = "drift.enabled";
  public static final String DRIFT_TOPIC = "drift.topic";
  public static final String DRIFT_WINDOW_EVENTS = "drift.window.events";
  public static final String DRIFT_MIN_EVENTS = "drift.min.events";
  public static final String DRIFT_PSI_THRESHOLD = "drift.psi.threshold";
  public static final String DRIFT_KS_ALPHA = "drift.ks.alpha";
  public static final String DRIFT_ANOMALY_RATE_FACTOR = "drift.anomaly.rate.factor";
  public static final String SCHEMA_REGISTRY_URL = SchemaRegistryClient.URL;
  public static final String SCHEMA_REGISTRY_USER_INFO = SchemaRegistryClient.BASIC_AUTH_USER_INFO;
  public static final String SCHEMA_REGISTRY_TRUSTSTORE_LOCATION =
      SchemaRegistryClient.TRUSTSTORE_LOCATION;
  public static final String SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD =
      SchemaRegistryClient.TRUSTSTORE_PASSWORD;
  public static final String SCHEMA_REGISTRY_TRUSTSTORE_TYPE = SchemaRegistryClient.TRUSTSTORE_TYPE;
  public static final String SCHEMA_REGISTRY_TIMEOUT_MS = SchemaRegistryClient.REQUEST_TIMEOUT_MS;
  public static final String VALUE_FORMAT = "value.format";
  public static final String MODELS_TOPIC = "models.topic";
  public static final String SHADOW_SCORES_TOPIC = "shadow.scores.topic";
  public static final String SHADOW_TIME_BUDGET = "shadow.time.budget";
  public static final String SHADOW_WINDOW_EVENTS = "shadow.window.events";

  /** Prefix of environment variables that set configuration keys. */
  public static final String ENV_PREFIX = "VAESTREAM_";

  /** Every key of the detector, with its type, default, validator and documentation. */
  public static final ConfigDef CONFIG = new ConfigDef();

  static {
    PipelineConfigDef.define(CONFIG);
    FeatureConfigDef.define(CONFIG);
  }

  private final Map<String, Object> passThrough;
  private final SchemaRegistryClient registry;

  public DetectorConfig(Map<?, ?> props) {
    super(CONFIG, props, false);
    Map<String, Object> rest = new HashMap<>();
    props.forEach((k, v) -> {
      String key = k.toString();
      if (!CONFIG.names().contains(key)) {
        rest.put(key, v);
      }
    });
    this.passThrough = Map.copyOf(rest);
    if (getInt(DRIFT_MIN_EVENTS) > getInt(DRIFT_WINDOW_EVENTS)) {
      throw new ConfigException(
          DRIFT_MIN_EVENTS,
          getInt(DRIFT_MIN_EVENTS),
          "must be at most " + DRIFT_WINDOW_EVENTS + " (" + getInt(DRIFT_WINDOW_EVENTS)
              + "): a window never holds more");
    }
    if (streamThreads() < 1) {
      // Kafka Streams takes it and stays rebalancing, scoring nothing
      throw new ConfigException(
          StreamsConfig.NUM_STREAM_THREADS_CONFIG,
          streamThreads(),
          "expected at least 1: a detector without stream threads reads nothing");
    }
    if (confluentOutput() && getString(SCHEMA_REGISTRY_URL).isBlank()) {
      throw new ConfigException(
          VALUE_FORMAT,
          "confluent",
          "writing the Confluent wire format needs " + SCHEMA_REGISTRY_URL);
    }
    this.registry = makeSchemaRegistry();
  }

  /** The topic of published models, or null when the detector does not follow one. */
  public String modelsTopic() {
    String t = getString(MODELS_TOPIC);
    return t.isBlank() ? null : t;
  }

  /** Where a shadow model's scores go. */
  public String shadowScoresTopic() {
    String t = getString(SHADOW_SCORES_TOPIC);
    return t.isBlank() ? scoresTopic() + ".shadow" : t;
  }

  public double shadowTimeBudget() {
    return getDouble(SHADOW_TIME_BUDGET);
  }

  public int shadowWindowEvents() {
    return getInt(SHADOW_WINDOW_EVENTS);
  }

  /** True when the detector writes the Confluent wire format ({@code value.format=confluent}). */
  public boolean confluentOutput() {
    return getString(VALUE_FORMAT).equals("confluent");
  }

  /**
   * The client of the configured schema registry, or null when {@code schema.registry.url} is
   * empty; made once, when the configuration is, so that a bad URL or trust store is refused at
   * start-up, naming its key.
   */
  public SchemaRegistryClient schemaRegistry() {
    return registry;
  }

  private SchemaRegistryClient makeSchemaRegistry() {
    if (getString(SCHEMA_REGISTRY_URL).isBlank()) {
      return null;
    }
    Map<String, Object> s = new HashMap<>();
    // The detector's keys are the client's own: values go across as they are (Password included).
    for (String key : List.of(
        SCHEMA_REGISTRY_URL,
        SCHEMA_REGISTRY_USER_INFO,
        SCHEMA_REGISTRY_TRUSTSTORE_LOCATION,
        SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD,
        SCHEMA_REGISTRY_TRUSTSTORE_TYPE,
        SCHEMA_REGISTRY_TIMEOUT_MS)) {
      s.put(key, get(key));
    }
    try {
      return SchemaRegistryClient.create(s);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          SCHEMA_REGISTRY_URL,
          SchemaRegistryClient.redact(getString(SCHEMA_REGISTRY_URL)),
          e.getMessage());
    }
  }

  /**
   * Layers the sources: defaults, then {@code file} (may be null), then the environment, then
   * {@code overrides} (the command line).
   */
  public static DetectorConfig load(
      Path file, Map<String, String> env, Map<String, String> overrides) {
    Map<String, Object> props = new HashMap<>();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("config file " + file + " does not exist");
      }
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      } catch (IOException e) {
        throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
      }
      p.forEach((k, v) -> props.put(k.toString(), v.toString().trim()));
    }
    props.putAll(fromEnvironment(env));
    props.putAll(overrides);
    return new DetectorConfig(props);
  }

  /**
   * {@code VAESTREAM_BOOTSTRAP_SERVERS=x} → {@code bootstrap.servers=x}. An empty variable counts
   * as unset, as compose's {@code ${VAESTREAM_THRESHOLD:-}} means it: it failed as a number, and an
   * empty {@code VAESTREAM_MODEL_SHA256} refused every model.
   */
  static Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> out = new HashMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length() && !v.isBlank()) {
        out.put(k.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
      }
    });
    return out;
  }

  public String inputTopic() {
    return getString(INPUT_TOPIC);
  }

  public String scoresTopic() {
    return getString(SCORES_TOPIC);
  }

  public String anomaliesTopic() {
    return getString(ANOMALIES_TOPIC);
  }

  public String dlqTopic() {
    return getString(DLQ_TOPIC);
  }

  public Path modelPath() {
    return Path.of(getString(MODEL_PATH));
  }

  public String modelSha256() {
    return getString(MODEL_SHA256);
  }

  public Device device() {
    return Device.parse(getString(DEVICE));
  }

  public Double thresholdOverride() {
    return getDouble(THRESHOLD);
  }

  /** Kafka Streams' {@code num.stream.threads} as the detector will run with it (a pass-through key). */
  public int streamThreads() {
    return (Integer) ConfigDef.parseType(
        StreamsConfig.NUM_STREAM_THREADS_CONFIG,
        passThrough().getOrDefault(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1),
        ConfigDef.Type.INT);
  }

  public int batchMaxSize() {
    return getInt(BATCH_MAX_SIZE);
  }

  public long batchMaxWaitMs() {
    return getLong(BATCH_MAX_WAIT_MS);
  }

  public int inferenceThreads() {
    return getInt(INFERENCE_THREADS);
  }

  public boolean localization() {
    return getBoolean(LOCALIZATION);
  }

  public boolean inferencePipelined() {
    return getBoolean(INFERENCE_PIPELINED);
  }

  public int maxRecordBytes() {
    return getInt(MAX_RECORD_BYTES);
  }

  public int dlqMaxValueBytes() {
    return getInt(DLQ_MAX_VALUE_BYTES);
  }

  public String dlqFailurePolicy() {
    return getString(DLQ_FAILURE_POLICY);
  }

  /**
   * The largest request the detector's producer sends: {@code producer.max.request.size} or
   * {@code max.request.size} when set, Kafka's default otherwise.
   */
  public int producerMaxRequestSize() {
    Object v = passThrough.getOrDefault(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        passThrough.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    return v == null
        ? (Integer)
            ProducerConfig.configDef().defaultValues().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)
        : (Integer) ConfigDef.parseType(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, v, Type.INT);
  }

  public int httpPort() {
    return getInt(HTTP_PORT);
  }

  public int healthMaxRestarts() {
    return getInt(HEALTH_MAX_RESTARTS);
  }

  public long healthRestartWindowMs() {
    return getLong(HEALTH_RESTART_WINDOW_MS);
  }

  public boolean staticMembership() {
    return getBoolean(STATIC_MEMBERSHIP);
  }

  public boolean persistentBatchStore() {
    return getString(BATCH_STORE).equals("rocksdb");
  }

  public boolean driftEnabled() {
    return getBoolean(DRIFT_ENABLED);
  }

  public String driftTopic() {
    return getString(DRIFT_TOPIC);
  }

  public String httpBindAddress() {
    return getString(HTTP_BIND_ADDRESS);
  }

  /**
   * Properties for Kafka Streams: the detector's own keys translated, the producer tuned for image
   * payloads, and every pass-through key on top ({@link StreamsProperties}).
   */
  public Properties streamsProperties() {
    return StreamsProperties.of(this);
  }

  /** Keys this class does not define, passed to Kafka Streams as they are. */
  public Map<String, Object> passThrough() {
    return passThrough;
  }
}
