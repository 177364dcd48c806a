package io.vaestream.detector.lifecycle;

import io.vaestream.schemas.ModelFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Puts a model on the models topic as the live model ({@link ModelWatcher} takes it from there):
 * one record, key {@code live}, the model file's bytes as value and its SHA-256 in a header. The
 * topic is created, compacted and sized for models, when it does not exist yet; so is its status
 * topic, where the detectors say what they made of each model.
 */
public final class ModelPublisher {
  /** Room for a record's framing beside the model. */
  private static final int RECORD_BYTES = ModelWatcher.MAX_MODEL_BYTES + 64 * 1024;

  private ModelPublisher() {}

  /** What was published, and where. */
  public record Published(String sha256, int bytes, String topic, int partition, long offset) {}

  /**
   * Publishes {@code bytes} as the live model.
   *
   * @param clientSettings Kafka client settings: bootstrap servers, and security where needed
   */
  public static Published publish(Map<String, Object> clientSettings, String topic, byte[] bytes)
      throws IOException, InterruptedException {
    if (bytes.length > ModelWatcher.MAX_MODEL_BYTES) {
      throw new IOException("the model is " + bytes.length + " bytes; the models topic takes at most "
          + ModelWatcher.MAX_MODEL_BYTES);
    }
    String sha256 = ModelFiles.sha256(bytes);
    createTopics(clientSettings, topic);
    Map<String, Object> p = new HashMap<>(clientSettings);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, RECORD_BYTES);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * RECORD_BYTES); // the producer refuses records over it
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
        new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, ModelWatcher.LIVE, bytes);
      r.headers().add(ModelWatcher.SHA256_HEADER, sha256.getBytes(StandardCharsets.UTF_8));
      RecordMetadata md = producer.send(r).get(60, TimeUnit.SECONDS);
      return new Published(sha256, bytes.length, md.topic(), md.partition(), md.offset());
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("publishing to " + topic + " failed: " + e.getMessage(), e);
    }
  }

  /** Publishes the model file {@code model}. */
  public static Published publish(Map<String, Object> clientSettings, String topic, Path model)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(model)) {
      throw new IOException(model + ": no such file");
    }
    return publish(clientSettings, topic, Files.readAllBytes(model));
  }

  /** The models topic (compacted, one partition, messages of a model's size) and its status topic. */
  private static void createTopics(Map<String, Object> clientSettings, String topic)
      throws IOException, InterruptedException {
    try (Admin admin = Admin.create(clientSettings)) {
      for (NewTopic t : List.of(
          new NewTopic(topic, 1, (short) -1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
              TopicConfig.CLEANUP_POLICY_COMPACT, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(RECORD_BYTES))),
          new NewTopic(topic + ".status", 1, (short) -1).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
              TopicConfig.CLEANUP_POLICY_COMPACT)))) {
        try {
          admin.createTopics(List.of(t)).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IOException("cannot create " + t.name() + ": " + e.getCause().getMessage(), e);
          }
          // It exists, perhaps created with the broker's defaults: give it the settings it needs.
          ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, t.name());
          List<AlterConfigOp> ops = t.configs().entrySet().stream()
              .map(c -> new AlterConfigOp(new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET)).toList();
          try {
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(60, TimeUnit.SECONDS);
          } catch (ExecutionException | TimeoutException e2) {
            throw new IOException("topic " + t.name() + " exists, and its settings " + t.configs()
                + " cannot be set: " + e2.getMessage(), e2);
          }
        } catch (TimeoutException e) {
          throw new IOException("cannot create " + t.name() + ": no answer in 60 s", e);
        }
      }
    }
  }
}
