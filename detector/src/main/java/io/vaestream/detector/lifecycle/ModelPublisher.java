package io.vaestream.detector.lifecycle;

import io.vaestream.schemas.ModelFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Puts models on the models topic ({@link ModelWatcher} takes them from there): one record per
 * model, keyed by its role ({@code live} or {@code shadow}), the model file's bytes as value and
 * its SHA-256 in a header. The topic is created, compacted and sized for models, when it does not
 * exist yet; so is its status topic, where the detectors say what they made of each model.
 */
public final class ModelPublisher {
  private ModelPublisher() {}

  /** What a published model does. */
  public enum Role {
    /** Scores every event, in place of the model before it. */
    LIVE(ModelWatcher.LIVE),
    /** Scores beside the live model, to its own topic, until promoted or ended. */
    SHADOW(ModelWatcher.SHADOW);

    private final String key;

    Role(String key) {
      this.key = key;
    }

    /** The record key on the models topic. */
    public String key() {
      return key;
    }
  }

  /** What was published, and where. */
  public record Published(String sha256, int bytes, String topic, int partition, long offset) {}

  /** Publishes {@code bytes} as the live model. */
  public static Published publish(Map<String, Object> clientSettings, String topic, byte[] bytes)
      throws IOException, InterruptedException {
    return publish(clientSettings, topic, bytes, Role.LIVE);
  }

  /**
   * Publishes {@code bytes} as the {@code role} model.
   *
   * @param clientSettings Kafka client settings: bootstrap servers, and security where needed
   */
  public static Published publish(
      Map<String, Object> clientSettings, String topic, byte[] bytes, Role role)
      throws IOException, InterruptedException {
    if (bytes.length > ModelWatcher.MAX_MODEL_BYTES) {
      throw new IOException("the model is " + bytes.length
          + " bytes; the models topic takes at most " + ModelWatcher.MAX_MODEL_BYTES);
    }
    String sha256 = ModelFiles.sha256(bytes);
    createTopics(clientSettings, topic);
    try (KafkaProducer<String, byte[]> producer = producer(clientSettings, null)) {
      RecordMetadata md =
          producer.send(model(topic, role, bytes, sha256)).get(60, TimeUnit.SECONDS);
      return new Published(sha256, bytes.length, md.topic(), md.partition(), md.offset());
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("publishing to " + topic + " failed: " + e.getMessage(), e);
    }
  }

  /** Publishes the model file {@code model} as the {@code role} model. */
  public static Published publish(
      Map<String, Object> clientSettings, String topic, Path model, Role role)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(model)) {
      throw new IOException(
          model + (Files.isDirectory(model) ? ": a folder, not a model file" : ": no such file"));
    }
    long size = Files.size(model);
    if (size > ModelWatcher.MAX_MODEL_BYTES) {
      throw new IOException(model + ": " + size + " bytes; the models topic takes at most "
          + ModelWatcher.MAX_MODEL_BYTES);
    }
    byte[] bytes = Files.readAllBytes(model);
    // as the detector checks a model file it starts on: the topic's header would vouch for any
    // bytes
    try {
      ModelFiles.requireSha256(
          model.toString(),
          bytes,
          ModelFiles.readChecksum(model).orElse(null),
          ModelFiles.checksumFile(model));
    } catch (RuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
    return publish(clientSettings, topic, bytes, role);
  }

  /**
   * Makes the shadow model live and ends shadow scoring, in one transaction: the detectors see
   * both changes together, so no batch is scored by the promoted model twice over.
   *
   * @throws IOException when the topic holds no shadow model
   */
  public static Published promote(Map<String, Object> clientSettings, String topic)
      throws IOException, InterruptedException {
    ConsumerRecord<String, byte[]> shadow = shadowRecord(clientSettings, topic);
    String sha256 = ModelsTopic.header(shadow, ModelWatcher.SHA256_HEADER);
    if (sha256 == null) {
      throw new IOException("the shadow model at " + topic + "-" + shadow.partition() + "@"
          + shadow.offset() + " has no " + ModelWatcher.SHA256_HEADER
          + " header; publish it again with `vaestream publish`");
    }
    try (KafkaProducer<String, byte[]> producer =
        producer(clientSettings, "vaestream-promote-" + topic)) {
      producer.initTransactions();
      producer.beginTransaction();
      var live = producer.send(model(topic, Role.LIVE, shadow.value(), sha256));
      producer.send(new ProducerRecord<>(topic, Role.SHADOW.key(), null));
      producer.commitTransaction();
      RecordMetadata md = live.get(60, TimeUnit.SECONDS);
      return new Published(sha256, shadow.value().length, md.topic(), md.partition(), md.offset());
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new IOException("promoting on " + topic + " failed: " + e.getMessage(), e);
    }
  }

  /** Ends shadow scoring, keeping the live model: a tombstone on the shadow key. */
  public static void endShadow(Map<String, Object> clientSettings, String topic)
      throws IOException, InterruptedException {
    shadowRecord(clientSettings, topic);
    try (KafkaProducer<String, byte[]> producer = producer(clientSettings, null)) {
      producer.send(new ProducerRecord<>(topic, Role.SHADOW.key(), null)).get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "ending the shadow model on " + topic + " failed: " + e.getMessage(), e);
    }
  }

  /** The shadow model's record on {@code topic}, read to its end. */
  private static ConsumerRecord<String, byte[]> shadowRecord(
      Map<String, Object> clientSettings, String topic) throws IOException {
    List<ConsumerRecord<String, byte[]>> shadow = new ArrayList<>(1);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
        ModelsTopic.readerSettings(clientSettings),
        new StringDeserializer(),
        new ByteArrayDeserializer())) {
      var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new IOException(
            "there is no models topic " + topic + "; publish a model with --mode shadow first");
      }
      List<TopicPartition> partitions =
          infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      boolean read =
          ModelsTopic.readToEnd(consumer, partitions, Duration.ofSeconds(60), records -> {
            for (ConsumerRecord<String, byte[]> r : records) {
              if (Role.SHADOW.key().equals(r.key())) {
                shadow.clear();
                shadow.add(r);
              }
            }
          });
      if (!read) {
        throw new IOException("cannot read " + topic + " to its end within 60 s");
      }
    } catch (KafkaException e) {
      throw new IOException("cannot read " + topic + ": " + e.getMessage(), e);
    }
    if (shadow.isEmpty() || shadow.get(0).value() == null) {
      throw new IOException(
          "there is no shadow model on " + topic + "; publish one with --mode shadow first");
    }
    return shadow.get(0);
  }

  private static ProducerRecord<String, byte[]> model(
      String topic, Role role, byte[] bytes, String sha256) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, role.key(), bytes);
    r.headers().add(ModelWatcher.SHA256_HEADER, sha256.getBytes(StandardCharsets.UTF_8));
    return r;
  }

  /** A producer for model-sized records; transactional when {@code transactionalId} is set. */
  private static KafkaProducer<String, byte[]> producer(
      Map<String, Object> clientSettings, String transactionalId) {
    Map<String, Object> p = new HashMap<>(clientSettings);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, ModelsTopic.MAX_RECORD_BYTES);
    p.put(
        ProducerConfig.BUFFER_MEMORY_CONFIG,
        2L * ModelsTopic.MAX_RECORD_BYTES); // the producer refuses records over it
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    if (transactionalId != null) {
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** The models topic (compacted, one partition, messages of a model's size) and its status topic. */
  private static void createTopics(Map<String, Object> clientSettings, String topic)
      throws IOException, InterruptedException {
    try (Admin admin = Admin.create(clientSettings)) {
      for (NewTopic t : List.of(
          new NewTopic(topic, 1, (short) -1)
              .configs(Map.of(
                  TopicConfig.CLEANUP_POLICY_CONFIG,
                  TopicConfig.CLEANUP_POLICY_COMPACT,
                  TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                  Integer.toString(ModelsTopic.MAX_RECORD_BYTES))),
          new NewTopic(topic + ".status", 1, (short) -1)
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))) {
        try {
          admin.createTopics(List.of(t)).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IOException(
                "cannot create " + t.name() + ": " + e.getCause().getMessage(), e);
          }
          // It exists, perhaps created with the broker's defaults: give it the settings it needs.
          ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, t.name());
          List<AlterConfigOp> ops = t.configs().entrySet().stream()
              .map(c -> new AlterConfigOp(
                  new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET))
              .toList();
          try {
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(60, TimeUnit.SECONDS);
          } catch (ExecutionException | TimeoutException e2) {
            throw new IOException(
                "topic " + t.name() + " exists, and its settings " + t.configs()
                    + " cannot be set: " + e2.getMessage(),
                e2);
          }
        } catch (TimeoutException e) {
          throw new IOException("cannot create " + t.name() + ": no answer in 60 s", e);
        }
      }
    }
  }
}
