package io.vaestream.detector.testing;

import io.vaestream.embedded.EmbeddedKafka;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The broker the integration tests share: Testcontainers' {@link KafkaContainer} with a pinned
 * {@code apache/kafka} image where Docker runs, the embedded KRaft broker elsewhere. The same test
 * classes run either way; the fixture logs which one it used.
 */
public final class KafkaBroker {
  /** Pinned to the Kafka client version the project builds against. */
  public static final String IMAGE = "apache/kafka:4.3.1";
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
  private static KafkaBroker shared;

  private final String bootstrap;
  private final String kind;

  private KafkaBroker(String bootstrap, String kind) {
    this.bootstrap = bootstrap;
    this.kind = kind;
  }

  /** The one broker of this JVM, started on first use and stopped when the JVM exits. */
  public static synchronized KafkaBroker shared() throws Exception {
    if (shared == null) {
      if (DockerClientFactory.instance().isDockerAvailable()) {
        KafkaContainer container = new KafkaContainer(IMAGE);
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
        shared = new KafkaBroker(container.getBootstrapServers(), "Testcontainers " + IMAGE);
      } else {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
        shared = new KafkaBroker(kafka.bootstrapServers(), "embedded KRaft broker (no Docker here)");
      }
      LOG.warn("integration tests use the {} at {}", shared.kind, shared.bootstrap);
    }
    return shared;
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  public String kind() {
    return kind;
  }

  /** Creates {@code name} with topic-level {@code configs} (for example {@code max.message.bytes}). */
  public void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all().get(60, TimeUnit.SECONDS);
    }
  }

  /** Sets one topic-level config of an existing topic. */
  public void setTopicConfig(String topic, String key, String value) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin.incrementalAlterConfigs(Map.of(resource,
              List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET))))
          .all().get(60, TimeUnit.SECONDS);
    }
  }

  public void createTopics(int partitions, String... names) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(Stream.of(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList())
          .all().get(60, TimeUnit.SECONDS);
    }
  }
}
