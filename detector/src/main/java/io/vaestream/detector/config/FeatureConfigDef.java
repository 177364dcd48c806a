package io.vaestream.detector.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * The definitions of the keys of the detector's features beyond scoring: drift monitoring, the
 * schema registry and the wire format of what it writes, and models published on a topic with
 * shadow scoring. Each has its type, default, validator, importance and documentation; the names
 * are {@link DetectorConfig}'s constants, and {@link DetectorConfig#CONFIG} is the only {@link
 * ConfigDef} they are added to.
 */
final class FeatureConfigDef {
  private FeatureConfigDef() {}

  /** Adds these keys to {@code def}, in the order {@code --help} lists them. */
  static void define(ConfigDef def) {
    drift(def);
    wireFormat(def);
    modelUpdates(def);
  }

  /** Drift monitoring against the model's calibration profile. */
  private static void drift(ConfigDef def) {
    def.define(
            DetectorConfig.DRIFT_ENABLED,
            Type.BOOLEAN,
            true,
            Importance.MEDIUM,
            "Watch whether scored images still look like the model's held-out calibration normals (score, mean "
                + "intensity, contrast, anomaly rate) and write drift and recovered events to "
                + DetectorConfig.DRIFT_TOPIC + ". "
                + "Only models that carry a calibration profile are watched; for older ones it is off (one INFO line).")
        .define(
            DetectorConfig.DRIFT_TOPIC,
            Type.STRING,
            "drift",
            new ConfigDef.NonEmptyString(),
            Importance.MEDIUM,
            "Topic of drift events: one JSON line per change of a drift state, keyed by source (* for all sources). "
                + "Written outside the scores' exactly-once transaction: alerts, not records of account.")
        .define(
            DetectorConfig.DRIFT_WINDOW_EVENTS,
            Type.INT,
            1000,
            Range.between(100, 100_000),
            Importance.LOW,
            "Events in each rolling drift window (one over all sources, one per source for the first 100 sources); "
                + "a window keeps 25 bytes an event, so 101 full windows of 100,000 take 250 MB.")
        .define(
            DetectorConfig.DRIFT_MIN_EVENTS,
            Type.INT,
            500,
            Range.between(100, 100_000),
            Importance.LOW,
            "Events a window needs before it is compared with the calibration (at least 100: fewer leave PSI's ten "
                + "bins too thin to tell drift from chance, at most "
                + DetectorConfig.DRIFT_WINDOW_EVENTS
                + "); also the fewest "
                + "events between two state changes of one source and signal, so that a signal near its limit cannot "
                + "flood the topic.")
        .define(
            DetectorConfig.DRIFT_PSI_THRESHOLD,
            Type.DOUBLE,
            0.25,
            PipelineConfigDef.finite(Range.between(1e-6, 100)),
            Importance.LOW,
            "A signal drifts when the population stability index over the calibration's deciles exceeds this (0.25 "
                + "is the usual 'significant shift'); it recovers below half of it.")
        .define(
            DetectorConfig.DRIFT_KS_ALPHA,
            Type.DOUBLE,
            0.001,
            PipelineConfigDef.finite(Range.between(1e-12, 0.5)),
            Importance.LOW,
            "A signal also drifts when its Kolmogorov-Smirnov distance from the calibration exceeds the two-sample "
                + "critical value at this level; it recovers below it.")
        .define(
            DetectorConfig.DRIFT_ANOMALY_RATE_FACTOR,
            Type.DOUBLE,
            5.0,
            PipelineConfigDef.finite(Range.between(1.0, 1e6)),
            Importance.LOW,
            "The anomaly rate drifts when the window's share of flagged events exceeds this many times the false-alarm "
                + "rate the model's threshold was calibrated for (models that do not say are not checked).");
  }

  /** The schema registry and the encoding of what the detector writes. */
  private static void wireFormat(ConfigDef def) {
    def.define(
            DetectorConfig.SCHEMA_REGISTRY_URL,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Base URL of a schema registry's Confluent-compatible API (comma-separated for several), e.g. "
                + "http://registry:8080/apis/ccompat/v7 for Apicurio Registry. With it, input in the Confluent wire "
                + "format (00 + schema id + Avro) is read, its writer schema resolved to ImageEvent. Empty: such input "
                + "is dead-lettered as NO_SCHEMA_REGISTRY.")
        .define(
            DetectorConfig.SCHEMA_REGISTRY_USER_INFO,
            Type.PASSWORD,
            null,
            Importance.LOW,
            "user:password for the registry's HTTP basic authentication; never logged.")
        .define(
            DetectorConfig.SCHEMA_REGISTRY_TRUSTSTORE_LOCATION,
            Type.STRING,
            "",
            Importance.LOW,
            "Trust store for an https registry (default: the JVM's CAs).")
        .define(
            DetectorConfig.SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD,
            Type.PASSWORD,
            null,
            Importance.LOW,
            "Password of that trust store; never logged.")
        .define(
            DetectorConfig.SCHEMA_REGISTRY_TRUSTSTORE_TYPE,
            Type.STRING,
            "",
            Importance.LOW,
            "JKS or PKCS12 (default: the JVM's default type).")
        .define(
            DetectorConfig.SCHEMA_REGISTRY_TIMEOUT_MS,
            Type.LONG,
            10_000L,
            Range.atLeast(1),
            Importance.LOW,
            "Connect and request timeout of one registry call. A registry that does not answer holds the record "
                + "(the detector restarts Kafka Streams with a back-off and reads it again); it never dead-letters it.")
        .define(
            DetectorConfig.VALUE_FORMAT,
            Type.STRING,
            "single-object",
            ValidString.in("single-object", "confluent"),
            Importance.MEDIUM,
            "Encoding of what the detector writes (scores, anomalies, dead letters): Avro single-object encoding, or "
                + "the Confluent wire format with the schemas registered under <topic>-value at start-up (needs "
                + DetectorConfig.SCHEMA_REGISTRY_URL
                + "). Input is read in either format whatever this says.");
  }

  /** Models published on a topic, and shadow scoring. */
  private static void modelUpdates(ConfigDef def) {
    def.define(
            DetectorConfig.MODELS_TOPIC,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Compacted topic that `vaestream publish` puts models on. When set, the detector follows it from its "
                + "start and swaps each new live model in between two batches, after checking it (SHA-256, "
                + "signature, golden samples, same image contract); a model that fails is rejected on "
                + "<topic>.status and the model in use keeps scoring. Empty: the model file is the only model.")
        .define(
            DetectorConfig.SHADOW_SCORES_TOPIC,
            Type.STRING,
            "",
            Importance.LOW,
            "Where a shadow model's scores go (`vaestream publish --mode shadow`). Empty: <scores.topic>.shadow. "
                + "They are written outside the exactly-once transaction: a batch skipped for the time budget has "
                + "none, and a crash may repeat some.")
        .define(
            DetectorConfig.SHADOW_TIME_BUDGET,
            Type.DOUBLE,
            0.5,
            PipelineConfigDef.finite(Range.atLeast(0.0)),
            Importance.LOW,
            "The most time a shadow model may spend scoring, as a share of the live model's inference time; "
                + "batches over it are not shadow-scored (vaestream_shadow_skipped_batches_total{reason=\"budget\"}). "
                + "A batch that comes while the shadow model is still busy is skipped too, so the shadow never "
                + "holds up the live path.")
        .define(
            DetectorConfig.SHADOW_WINDOW_EVENTS,
            Type.INT,
            1000,
            Range.between(2, 100_000),
            Importance.LOW,
            "How many recent images the shadow agreement metrics (flag agreement, rank correlation, anomaly "
                + "rates) are computed over (sorted after every batch).");
  }
}
