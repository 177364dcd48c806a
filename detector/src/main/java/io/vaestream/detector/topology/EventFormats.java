package io.vaestream.detector.topology;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.events.AnomalyScore;
import io.vaestream.events.DeadLetter;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.schemas.registry.RegistryAvro;
import io.vaestream.schemas.registry.SchemaRegistryClient;
import io.vaestream.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;

/**
 * How the detector's events look on the wire: the schema registry that input in the Confluent
 * wire format is read through (or null), and the serdes of what it writes, in Avro single-object
 * encoding or, with {@code value.format=confluent}, in the Confluent wire format.
 *
 * @param registry the registry, or null when {@code schema.registry.url} is not set
 */
public record EventFormats(
    SchemaRegistryClient registry, Serde<AnomalyScore> scores, Serde<DeadLetter> deadLetters) {

  /** Single-object encoding in and out, no registry: what tests of the topology alone use. */
  public static EventFormats singleObject() {
    return new EventFormats(null, AvroSerdes.anomalyScore(), AvroSerdes.deadLetter());
  }

  /** The formats {@code config} asks for, without touching the registry yet. */
  public static EventFormats of(DetectorConfig config) {
    SchemaRegistryClient registry = config.schemaRegistry();
    if (!config.confluentOutput()) {
      return new EventFormats(registry, AvroSerdes.anomalyScore(), AvroSerdes.deadLetter());
    }
    return new EventFormats(
        registry,
        RegistryAvro.serde(registry, AnomalyScore.class),
        RegistryAvro.serde(registry, DeadLetter.class));
  }

  /**
   * With {@code value.format=confluent}, registers the output schemas under their topics' subjects
   * before anything is written, so that writing never waits on the registry; tries for {@code
   * patienceMs} while the registry cannot be reached.
   *
   * @throws ConfigException naming {@code schema.registry.url} when the registry refuses or does not answer
   */
  public void registerOutputSchemas(DetectorConfig config, long patienceMs) {
    if (!config.confluentOutput()) {
      return;
    }
    long deadline = System.nanoTime() + patienceMs * 1_000_000L;
    long pause = 250;
    while (true) {
      try {
        register(config.scoresTopic(), AnomalyScore.getClassSchema());
        register(config.anomaliesTopic(), AnomalyScore.getClassSchema());
        register(config.dlqTopic(), DeadLetter.getClassSchema());
        if (config.modelsTopic() != null) {
          register(config.shadowScoresTopic(), AnomalyScore.getClassSchema());
        }
        return;
      } catch (SchemaRegistryException e) {
        if (e.kind() != SchemaRegistryException.Kind.UNAVAILABLE || System.nanoTime() > deadline) {
          throw new ConfigException(
              SchemaRegistryClient.URL,
              registry.describe(),
              "cannot register the output schemas (value.format=confluent): " + e.getMessage());
        }
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new ConfigException(SchemaRegistryClient.URL, registry.describe(), "interrupted");
        }
        pause = Math.min(pause * 2, 5_000);
      }
    }
  }

  private void register(String topic, Schema schema) {
    registry.register(RegistryAvro.subject(topic), schema);
  }
}
