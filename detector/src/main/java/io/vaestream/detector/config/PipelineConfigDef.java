package io.vaestream.detector.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The definitions of the keys every detector runs with: the brokers and application id, the
 * model, the topics and the delivery guarantee, batching and inference, dead letters, and the HTTP
 * endpoint, restarts and health. Each has its type, default, validator, importance and
 * documentation; the names are {@link DetectorConfig}'s constants, and {@link DetectorConfig#CONFIG}
 * is the only {@link ConfigDef} they are added to.
 */
final class PipelineConfigDef {
  /**
   * A double that is a number and finite: Kafka's {@link Range} compares with {@code <}, which lets
   * NaN through, and NaN or an infinity set as a threshold or a limit turns a check off unseen.
   */
  static final ConfigDef.Validator FINITE = ConfigDef.LambdaValidator.with(
      (name, value) -> {
        if (value != null && !Double.isFinite(((Number) value).doubleValue())) {
          throw new ConfigException(name, value, "must be a finite number");
        }
      },
      () -> "a finite number");

  private PipelineConfigDef() {}

  /** {@code range}, for a finite number. */
  static ConfigDef.Validator finite(Range range) {
    return ConfigDef.CompositeValidator.of(FINITE, range);
  }

  /** Adds these keys to {@code def}, in the order {@code --help} lists them. */
  static void define(ConfigDef def) {
    application(def);
    model(def);
    topics(def);
    inference(def);
    deadLetters(def);
    operations(def);
  }

  /** Where the detector connects and under which application id. */
  private static void application(ConfigDef def) {
    def.define(
            DetectorConfig.BOOTSTRAP_SERVERS,
            Type.LIST,
            "127.0.0.1:9092",
            Importance.HIGH,
            "Kafka brokers, host:port[,host:port...].")
        .define(
            DetectorConfig.APPLICATION_ID,
            Type.STRING,
            "vaestream-detector",
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "Kafka Streams application id: consumer group, and prefix of internal topics.");
  }

  /** The model file, the device it runs on, and its threshold. */
  private static void model(ConfigDef def) {
    def.define(
            DetectorConfig.MODEL_PATH,
            Type.STRING,
            ConfigDef.NO_DEFAULT_VALUE,
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "The ONNX model written by the trainer.")
        .define(
            DetectorConfig.MODEL_SHA256,
            Type.STRING,
            null,
            Importance.MEDIUM,
            "Expected SHA-256 of the model file; by default MODEL.sha256 beside it is checked when present.")
        .define(
            DetectorConfig.DEVICE,
            Type.STRING,
            "auto",
            ValidString.in("auto", "cpu", "cuda"),
            Importance.HIGH,
            "auto tries CUDA and falls back to the CPU with one warning; cpu; cuda or refuse to start.")
        .define(
            DetectorConfig.THRESHOLD,
            Type.DOUBLE,
            null,
            FINITE,
            Importance.MEDIUM,
            "Overrides the threshold in the model's metadata.");
  }

  /** The topics read and written, and the delivery guarantee between them. */
  private static void topics(ConfigDef def) {
    def.define(
            DetectorConfig.INPUT_TOPIC,
            Type.STRING,
            "images",
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "Topic of image events (Avro ImageEvent or plain PNG values).")
        .define(
            DetectorConfig.SCORES_TOPIC,
            Type.STRING,
            "scores",
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "Every scored event goes here as an AnomalyScore.")
        .define(
            DetectorConfig.ANOMALIES_TOPIC,
            Type.STRING,
            "anomalies",
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "Events whose score exceeds the threshold also go here.")
        .define(
            DetectorConfig.DLQ_TOPIC,
            Type.STRING,
            "images.dlq",
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "Records that cannot be scored go here as DeadLetter, with the reason.")
        .define(
            DetectorConfig.PROCESSING_GUARANTEE,
            Type.STRING,
            StreamsConfig.EXACTLY_ONCE_V2,
            ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
            Importance.HIGH,
            "exactly_once_v2 or at_least_once.");
  }

  /** Micro-batching and inference. */
  private static void inference(ConfigDef def) {
    def.define(
            DetectorConfig.BATCH_MAX_SIZE,
            Type.INT,
            64,
            Range.between(1, 4096),
            Importance.MEDIUM,
            "Most images scored in one inference call.")
        .define(
            DetectorConfig.BATCH_MAX_WAIT_MS,
            Type.LONG,
            5L,
            Range.between(1, 60_000),
            Importance.MEDIUM,
            "Longest an image waits for its batch to fill, in milliseconds.")
        .define(
            DetectorConfig.INFERENCE_THREADS,
            Type.INT,
            1,
            Range.between(1, 256),
            Importance.MEDIUM,
            "ONNX Runtime intra-op threads for CPU inference. One leaves the other cores to Kafka; raise it on "
                + "machines with cores to spare.")
        .define(
            DetectorConfig.LOCALIZATION,
            Type.BOOLEAN,
            true,
            Importance.MEDIUM,
            "Whether flagged events on the anomalies topic carry the anomaly map, its boxes and its peak (for models "
                + "that have a map). false skips computing the map.")
        .define(
            DetectorConfig.INFERENCE_PIPELINED,
            Type.BOOLEAN,
            true,
            Importance.MEDIUM,
            "Score a full batch on an inference thread while the stream thread reads the next one (one batch in "
                + "flight per task; order and delivery guarantee unchanged). false scores on the stream thread.");
  }

  /** Records too large to read, and the dead letters that stand for bad records. */
  private static void deadLetters(ConfigDef def) {
    def.define(
            DetectorConfig.MAX_RECORD_BYTES,
            Type.INT,
            4 * 1024 * 1024,
            Range.atLeast(64),
            Importance.MEDIUM,
            "Values larger than this are dead-lettered unread.")
        .define(
            DetectorConfig.DLQ_MAX_VALUE_BYTES,
            Type.INT,
            1024 * 1024,
            Range.atLeast(0),
            Importance.LOW,
            "Most bytes of the original value a dead letter keeps. A dead letter is further cut to fit the "
                + "producer's max.request.size and the dead-letter topic's max.message.bytes (read from the broker "
                + "at start-up), so that it is always written.")
        .define(
            DetectorConfig.DLQ_FAILURE_POLICY,
            Type.STRING,
            "skip",
            ValidString.in("skip", "fail"),
            Importance.LOW,
            "When a dead letter still cannot be written: skip writes it without the original value, and failing "
                + "that goes on without it (ERROR log, vaestream_dead_letters_failed_total); fail stops the "
                + "detector with a fatal error naming the record.");
  }

  /** The HTTP endpoint, and what keeps a restart short and a crash loop visible. */
  private static void operations(ConfigDef def) {
    def.define(
            DetectorConfig.HTTP_PORT,
            Type.INT,
            8080,
            Range.between(0, 65535),
            Importance.MEDIUM,
            "Port of /metrics (Prometheus), /health and /ready; 0 turns the endpoint off.")
        .define(
            DetectorConfig.HTTP_BIND_ADDRESS,
            Type.STRING,
            "127.0.0.1",
            Importance.LOW,
            "Address the HTTP endpoint binds to; 0.0.0.0 inside containers.")
        .define(
            DetectorConfig.STATIC_MEMBERSHIP,
            Type.BOOLEAN,
            true,
            Importance.MEDIUM,
            "Join the consumer group as a static member: group.instance.id is application.id, the host name and a "
                + "hash of state.dir (unless group.instance.id is set), so a detector restarted after a crash, or a "
                + "Kafka Streams client restarted after a stream thread failed, gets its partitions back at once "
                + "instead of after the session timeout (45 s); a graceful stop leaves the group. With "
                + "batch.store=rocksdb, restart to first score after kill -9 measured 4.1 s p50 over 10 kills "
                + "(docs/reliability.md).")
        .define(
            DetectorConfig.BATCH_STORE,
            Type.STRING,
            "rocksdb",
            ValidString.in("memory", "rocksdb"),
            Importance.MEDIUM,
            "Where images wait for their batch: rocksdb (changelogged and on disk under state.dir) or memory "
                + "(changelogged). rocksdb keeps Kafka Streams' process id across restarts, so a restarted detector "
                + "fences the dead one's open transaction at once instead of waiting for it to time out (10 to 20 s).")
        .define(
            DetectorConfig.HEALTH_MAX_RESTARTS,
            Type.INT,
            3,
            Range.atLeast(0),
            Importance.LOW,
            "A failed stream thread restarts the Kafka Streams client (after 0.5 s, doubling with each further failure "
                + "within " + DetectorConfig.HEALTH_RESTART_WINDOW_MS
                + ", at most 30 s); /ready answers 503 (crash loop) when more "
                + "than this many failures fall within that window.")
        .define(
            DetectorConfig.HEALTH_RESTART_WINDOW_MS,
            Type.LONG,
            300_000L,
            Range.atLeast(1),
            Importance.LOW,
            "The window over which stream-thread failures are counted for /ready and for the restart back-off.");
  }
}
