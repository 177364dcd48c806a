package io.vaestream.detector.config;

import io.vaestream.detector.scoring.Device;
import io.vaestream.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The detector's configuration: one typed, validated {@link ConfigDef}, as Kafka's own {@code
 * StreamsConfig} is. Values are layered — defaults, then a properties file, then environment
 * variables ({@code VAESTREAM_BOOTSTRAP_SERVERS} sets {@code bootstrap.servers}), then the command
 * line — and any key this class does not define passes through to Kafka Streams (and, with the
 * usual {@code producer.}/{@code consumer.} prefixes, to its clients), SASL and SSL settings
 * included. A bad value fails with the key and the value named.
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

  public static final ConfigDef CONFIG = new ConfigDef()
      .define(
          BOOTSTRAP_SERVERS,
          Type.LIST,
          "127.0.0.1:9092",
          Importance.HIGH,
          "Kafka brokers, host:port[,host:port...].")
      .define(
          APPLICATION_ID,
          Type.STRING,
          "vaestream-detector",
          new ConfigDef.NonEmptyString(),
          Importance.HIGH,
          "Kafka Streams application id: consumer group, and prefix of internal topics.")
      .define(
          MODEL_PATH,
          Type.STRING,
          ConfigDef.NO_DEFAULT_VALUE,
          new ConfigDef.NonEmptyString(),
          Importance.HIGH,
          "The ONNX model written by the trainer.")
      .define(
          MODEL_SHA256,
          Type.STRING,
          null,
          Importance.MEDIUM,
          "Expected SHA-256 of the model file; by default MODEL.sha256 beside it is checked when present.")
      .define(
          DEVICE,
          Type.STRING,
          "auto",
          ValidString.in("auto", "cpu", "cuda"),
          Importance.HIGH,
          "auto tries CUDA and falls back to the CPU with one warning; cpu; cuda or refuse to start.")
      .define(
          THRESHOLD,
          Type.DOUBLE,
          null,
          Importance.MEDIUM,
          "Overrides the threshold in the model's metadata.")
      .define(
          INPUT_TOPIC,
          Type.STRING,
          "images",
          new ConfigDef.NonEmptyString(),
          Importance.HIGH,
          "Topic of image events (Avro ImageEvent or plain PNG values).")
      .define(
          SCORES_TOPIC,
          Type.STRING,
          "scores",
          new ConfigDef.NonEmptyString(),
          Importance.HIGH,
          "Every scored event goes here as an AnomalyScore.")
      .define(
          ANOMALIES_TOPIC,
          Type.STRING,
          "anomalies",
          new ConfigDef.NonEmptyString(),
          Importance.HIGH,
          "Events whose score exceeds the threshold also go here.")
      .define(
          DLQ_TOPIC,
          Type.STRING,
          "images.dlq",
          new ConfigDef.NonEmptyString(),
          Importance.HIGH,
          "Records that cannot be scored go here as DeadLetter, with the reason.")
      .define(
          PROCESSING_GUARANTEE,
          Type.STRING,
          StreamsConfig.EXACTLY_ONCE_V2,
          ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
          Importance.HIGH,
          "exactly_once_v2 or at_least_once.")
      .define(
          BATCH_MAX_SIZE,
          Type.INT,
          64,
          Range.between(1, 4096),
          Importance.MEDIUM,
          "Most images scored in one inference call.")
      .define(
          BATCH_MAX_WAIT_MS,
          Type.LONG,
          5L,
          Range.between(1, 60_000),
          Importance.MEDIUM,
          "Longest an image waits for its batch to fill, in milliseconds.")
      .define(
          INFERENCE_THREADS,
          Type.INT,
          1,
          Range.between(1, 256),
          Importance.MEDIUM,
          "ONNX Runtime intra-op threads for CPU inference. One leaves the other cores to Kafka; raise it on "
              + "machines with cores to spare.")
      .define(
          LOCALIZATION,
          Type.BOOLEAN,
          true,
          Importance.MEDIUM,
          "Whether flagged events on the anomalies topic carry the anomaly map, its boxes and its peak (for models "
              + "that have a map). false skips computing the map.")
      .define(
          INFERENCE_PIPELINED,
          Type.BOOLEAN,
          true,
          Importance.MEDIUM,
          "Score a full batch on an inference thread while the stream thread reads the next one (one batch in "
              + "flight per task; order and delivery guarantee unchanged). false scores on the stream thread.")
      .define(
          MAX_RECORD_BYTES,
          Type.INT,
          4 * 1024 * 1024,
          Range.atLeast(64),
          Importance.MEDIUM,
          "Values larger than this are dead-lettered unread.")
      .define(
          DLQ_MAX_VALUE_BYTES,
          Type.INT,
          1024 * 1024,
          Range.atLeast(0),
          Importance.LOW,
          "Most bytes of the original value a dead letter keeps. A dead letter is further cut to fit the "
              + "producer's max.request.size and the dead-letter topic's max.message.bytes (read from the broker "
              + "at start-up), so that it is always written.")
      .define(
          DLQ_FAILURE_POLICY,
          Type.STRING,
          "skip",
          ValidString.in("skip", "fail"),
          Importance.LOW,
          "When a dead letter still cannot be written: skip writes it without the original value, and failing "
              + "that goes on without it (ERROR log, vaestream_dead_letters_failed_total); fail stops the "
              + "detector with a fatal error naming the record.")
      .define(
          HTTP_PORT,
          Type.INT,
          8080,
          Range.between(0, 65535),
          Importance.MEDIUM,
          "Port of /metrics (Prometheus), /health and /ready; 0 turns the endpoint off.")
      .define(
          HTTP_BIND_ADDRESS,
          Type.STRING,
          "127.0.0.1",
          Importance.LOW,
          "Address the HTTP endpoint binds to; 0.0.0.0 inside containers.")
      .define(
          STATIC_MEMBERSHIP,
          Type.BOOLEAN,
          true,
          Importance.MEDIUM,
          "Join the consumer group as a static member: group.instance.id is application.id, the host name and a "
              + "hash of state.dir (unless group.instance.id is set), so a detector restarted after a crash, or a "
              + "Kafka Streams client restarted after a stream thread failed, gets its partitions back at once "
              + "instead of after the session timeout (45 s); a graceful stop leaves the group. With "
              + "batch.store=rocksdb, restart to first score after kill -9 measured 4.5 s p50 (docs/reliability.md).")
      .define(
          BATCH_STORE,
          Type.STRING,
          "rocksdb",
          ValidString.in("memory", "rocksdb"),
          Importance.MEDIUM,
          "Where images wait for their batch: rocksdb (changelogged and on disk under state.dir) or memory "
              + "(changelogged). rocksdb keeps Kafka Streams' process id across restarts, so a restarted detector "
              + "fences the dead one's open transaction at once instead of waiting for it to time out (10 to 20 s).")
      .define(
          HEALTH_MAX_RESTARTS,
          Type.INT,
          3,
          Range.atLeast(0),
          Importance.LOW,
          "A failed stream thread restarts the Kafka Streams client (after 0.5 s, doubling with each further failure "
              + "within " + HEALTH_RESTART_WINDOW_MS
              + ", at most 30 s); /ready answers 503 (crash loop) when more "
              + "than this many failures fall within that window.")
      .define(
          HEALTH_RESTART_WINDOW_MS,
          Type.LONG,
          300_000L,
          Range.atLeast(1),
          Importance.LOW,
          "The window over which stream-thread failures are counted for /ready and for the restart back-off.")
      .define(
          DRIFT_ENABLED,
          Type.BOOLEAN,
          true,
          Importance.MEDIUM,
          "Watch whether scored images still look like the model's held-out calibration normals (score, mean "
              + "intensity, contrast, anomaly rate) and write drift and recovered events to "
              + DRIFT_TOPIC + ". "
              + "Only models that carry a calibration profile are watched; for older ones it is off (one INFO line).")
      .define(
          DRIFT_TOPIC,
          Type.STRING,
          "drift",
          new ConfigDef.NonEmptyString(),
          Importance.MEDIUM,
          "Topic of drift events: one JSON line per change of a drift state, keyed by source (* for all sources). "
              + "Written outside the scores' exactly-once transaction: alerts, not records of account.")
      .define(
          DRIFT_WINDOW_EVENTS,
          Type.INT,
          1000,
          Range.between(100, 1_000_000),
          Importance.LOW,
          "Events in each rolling drift window (one over all sources, one per source for the first 100 sources).")
      .define(
          DRIFT_MIN_EVENTS,
          Type.INT,
          500,
          Range.between(100, 1_000_000),
          Importance.LOW,
          "Events a window needs before it is compared with the calibration (at least 100: fewer leave PSI's ten "
              + "bins too thin to tell drift from chance, at most " + DRIFT_WINDOW_EVENTS
              + "); also the fewest "
              + "events between two state changes of one source and signal, so that a signal near its limit cannot "
              + "flood the topic.")
      .define(
          DRIFT_PSI_THRESHOLD,
          Type.DOUBLE,
          0.25,
          Range.between(1e-6, 100),
          Importance.LOW,
          "A signal drifts when the population stability index over the calibration's deciles exceeds this (0.25 "
              + "is the usual 'significant shift'); it recovers below half of it.")
      .define(
          DRIFT_KS_ALPHA,
          Type.DOUBLE,
          0.001,
          Range.between(1e-12, 0.5),
          Importance.LOW,
          "A signal also drifts when its Kolmogorov-Smirnov distance from the calibration exceeds the two-sample "
              + "critical value at this level; it recovers below it.")
      .define(
          DRIFT_ANOMALY_RATE_FACTOR,
          Type.DOUBLE,
          5.0,
          Range.between(1.0, 1e6),
          Importance.LOW,
          "The anomaly rate drifts when the window's share of flagged events exceeds this many times the false-alarm "
              + "rate the model's threshold was calibrated for (models that do not say are not checked).")
      .define(
          SCHEMA_REGISTRY_URL,
          Type.STRING,
          "",
          Importance.MEDIUM,
          "Base URL of a schema registry's Confluent-compatible API (comma-separated for several), e.g. "
              + "http://registry:8080/apis/ccompat/v7 for Apicurio Registry. With it, input in the Confluent wire "
              + "format (00 + schema id + Avro) is read, its writer schema resolved to ImageEvent. Empty: such input "
              + "is dead-lettered as NO_SCHEMA_REGISTRY.")
      .define(
          SCHEMA_REGISTRY_USER_INFO,
          Type.PASSWORD,
          null,
          Importance.LOW,
          "user:password for the registry's HTTP basic authentication; never logged.")
      .define(
          SCHEMA_REGISTRY_TRUSTSTORE_LOCATION,
          Type.STRING,
          "",
          Importance.LOW,
          "Trust store for an https registry (default: the JVM's CAs).")
      .define(
          SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD,
          Type.PASSWORD,
          null,
          Importance.LOW,
          "Password of that trust store; never logged.")
      .define(
          SCHEMA_REGISTRY_TRUSTSTORE_TYPE,
          Type.STRING,
          "",
          Importance.LOW,
          "JKS or PKCS12 (default: the JVM's default type).")
      .define(
          SCHEMA_REGISTRY_TIMEOUT_MS,
          Type.LONG,
          10_000L,
          Range.atLeast(1),
          Importance.LOW,
          "Connect and request timeout of one registry call. A registry that does not answer holds the record "
              + "(the detector restarts Kafka Streams with a back-off and reads it again); it never dead-letters it.")
      .define(
          VALUE_FORMAT,
          Type.STRING,
          "single-object",
          ValidString.in("single-object", "confluent"),
          Importance.MEDIUM,
          "Encoding of what the detector writes (scores, anomalies, dead letters): Avro single-object encoding, or "
              + "the Confluent wire format with the schemas registered under <topic>-value at start-up (needs "
              + SCHEMA_REGISTRY_URL + "). Input is read in either format whatever this says.")
      .define(
          MODELS_TOPIC,
          Type.STRING,
          "",
          Importance.MEDIUM,
          "Compacted topic that `vaestream publish` puts models on. When set, the detector follows it from its "
              + "start and swaps each new live model in between two batches, after checking it (SHA-256, "
              + "signature, golden samples, same image contract); a model that fails is rejected on "
              + "<topic>.status and the model in use keeps scoring. Empty: the model file is the only model.")
      .define(
          SHADOW_SCORES_TOPIC,
          Type.STRING,
          "",
          Importance.LOW,
          "Where a shadow model's scores go (`vaestream publish --mode shadow`). Empty: <scores.topic>.shadow. "
              + "They are written outside the exactly-once transaction: a batch skipped for the time budget has "
              + "none, and a crash may repeat some.")
      .define(
          SHADOW_TIME_BUDGET,
          Type.DOUBLE,
          0.5,
          Range.atLeast(0.0),
          Importance.LOW,
          "The most time a shadow model may spend scoring, as a share of the live model's inference time; "
              + "batches over it are not shadow-scored (vaestream_shadow_skipped_batches_total{reason=\"budget\"}). "
              + "A batch that comes while the shadow model is still busy is skipped too, so the shadow never "
              + "holds up the live path.")
      .define(
          SHADOW_WINDOW_EVENTS,
          Type.INT,
          1000,
          Range.atLeast(2),
          Importance.LOW,
          "How many recent images the shadow agreement metrics (flag agreement, rank correlation, anomaly "
              + "rates) are computed over.");

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

  /** {@code VAESTREAM_BOOTSTRAP_SERVERS=x} → {@code bootstrap.servers=x}. */
  static Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> out = new HashMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length()) {
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
    return Device.valueOf(getString(DEVICE).toUpperCase(Locale.ROOT));
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
   * payloads (the defaults cap throughput badly for records of about a kilobyte), and every
   * pass-through key on top, so an operator can override any of it.
   */
  public Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, getString(APPLICATION_ID));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", getList(BOOTSTRAP_SERVERS)));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, getString(PROCESSING_GUARANTEE));
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    // The batch timer is a wall-clock punctuation, which runs between polls: an idle input must not
    // hold a waiting image for the default 100 ms poll.
    p.put(StreamsConfig.POLL_MS_CONFIG, getLong(BATCH_MAX_WAIT_MS));
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.putAll(passThrough);
    if (getBoolean(STATIC_MEMBERSHIP) && !p.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) {
      p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, staticInstanceId(p));
    }
    return p;
  }

  /**
   * A group.instance.id that is the same each time this instance restarts and differs between
   * instances: two instances on one host must use different state directories (Kafka Streams locks
   * them), so the host name and the state directory name one.
   */
  static String staticInstanceId(Properties p) {
    String stateDir = String.valueOf(p.getOrDefault(
        StreamsConfig.STATE_DIR_CONFIG,
        StreamsConfig.configDef().defaultValues().get(StreamsConfig.STATE_DIR_CONFIG)));
    String where = Path.of(stateDir).toAbsolutePath().normalize().toString();
    return p.get(StreamsConfig.APPLICATION_ID_CONFIG) + "-" + hostName() + "-"
        + String.format("%08x", where.hashCode());
  }

  private static String hostName() {
    String h = System.getenv("HOSTNAME");
    if (h != null && !h.isBlank()) {
      return h;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** Keys this class does not define, passed to Kafka Streams as they are. */
  public Map<String, Object> passThrough() {
    return passThrough;
  }
}
