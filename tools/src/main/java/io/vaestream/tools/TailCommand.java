package io.vaestream.tools;

import io.vaestream.events.AnomalyScore;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.schemas.registry.RegistryAvro;
import io.vaestream.schemas.registry.SchemaRegistryClient;
import io.vaestream.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tail}: prints scores as JSON lines with a live summary. */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Prints scores as JSON lines with a live summary.",
      "Consumes 'scores' (or 'anomalies') with read_committed; the summary on stderr shows count, anomaly",
      "rate, p50/p99 latency, and precision, recall and AUROC when events carry ground truth (precision alone",
      "on 'anomalies', where every event is flagged)."
    })
final class TailCommand implements Callable<Integer> {
  @Option(
      names = "--bootstrap-servers",
      defaultValue = "127.0.0.1:9092",
      description = "Default: ${DEFAULT-VALUE}.")
  String bootstrap;

  @Option(names = "--topic", defaultValue = "scores", description = "Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(
      names = "--from-beginning",
      description = "Read the topic from its start, not only new scores.")
  boolean fromBeginning;

  @Option(names = "--count", description = "Stop after this many scores.")
  Long count;

  @Option(
      names = "--idle-timeout",
      defaultValue = "0",
      description = "Stop after this many seconds without a new score; 0 never (default).")
  int idleTimeout;

  @Option(names = "--quiet", description = "Print only the summary, not every score.")
  boolean quiet;

  @Option(
      names = "--schema-registry",
      paramLabel = "URL",
      description =
          "Also read scores in the Confluent wire format (detector value.format=confluent), through this "
              + "registry's Confluent-compatible API; single-object encoded scores are read either way.")
  String schemaRegistry;

  @Option(
      names = "--maps",
      paramLabel = "DIR",
      description =
          "Write the anomaly map of every event that carries one (read --topic anomalies) as DIR/<event id>.png: "
              + "the map in false colour with its boxes and peak drawn on it (an id that is no safe file name "
              + "is written with its unsafe characters as _ and 8 hex digits of its SHA-256).")
  Path maps;

  @Override
  public Integer call() {
    if (count != null && count < 1) {
      throw new IllegalArgumentException("count=" + count + " is invalid: expected >= 1");
    }
    if (idleTimeout < 0) {
      throw new IllegalArgumentException(
          "idle-timeout=" + idleTimeout + " is invalid: expected >= 0 (0 never stops)");
    }
    Brokers.requireReachable(bootstrap);
    ScoreSummary summary = new ScoreSummary();
    Deserializer<AnomalyScore> de = RegistryAvro.eitherFormat(
        AvroSerdes.anomalyScore().deserializer(),
        schemaRegistry == null ? null : SchemaRegistryClient.at(schemaRegistry),
        AnomalyScore.class);
    PrintStream out = System.out;
    long lastRecord = System.nanoTime();
    long lastSummary = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer =
        ScoreConsumers.open(bootstrap, topic, fromBeginning, "vaestream-tail")) {
      while (count == null || summary.count() < count) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          lastRecord = System.nanoTime();
          if (r.value() == null) {
            System.err.printf(
                "skipping %s-%d@%d: a tombstone (no value), not a score%n",
                r.topic(), r.partition(), r.offset());
            continue;
          }
          try {
            AnomalyScore s = de.deserialize(topic, r.value());
            summary.add(s);
            if (maps != null && s.getLocalization() != null) {
              MapPictures.write(s, maps);
            }
            if (!quiet) {
              out.println(MapPictures.printable(s));
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (SerializationException | SchemaRegistryException e) {
            System.err.printf(
                "skipping %s-%d@%d: %s%n", r.topic(), r.partition(), r.offset(), e.getMessage());
          }
          if (count != null && summary.count() >= count) {
            break;
          }
        }
        if (System.nanoTime() - lastSummary > 1_000_000_000L) {
          System.err.println(summary.line());
          lastSummary = System.nanoTime();
        }
        if (idleTimeout > 0 && System.nanoTime() - lastRecord > idleTimeout * 1_000_000_000L) {
          break;
        }
      }
    }
    System.err.println(summary.line());
    String auroc = summary.auroc();
    if (auroc != null) {
      System.err.println(auroc);
    }
    return 0;
  }
}
