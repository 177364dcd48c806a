package io.vaestream.detector.testing;

import io.vaestream.embedded.EmbeddedKafka;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.Network;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The broker the integration tests share: Testcontainers' {@link KafkaContainer} where Docker runs
 * (the image of {@link DockerImages#KAFKA}: {@code apache/kafka}, or a local stand-in), the embedded
 * KRaft broker elsewhere. The same test classes run either way; the fixture logs which one it used.
 * The container sits on a Docker network of its own, where other containers (the shipped detector
 * image) reach it as {@link #networkBootstrapServers()}.
 */
public final class KafkaBroker {
  /** Where Testcontainers' Kafka module copies the broker's start script (1.21). */
  private static final String START_SCRIPT = "/tmp/testcontainers_start.sh";
  /**
   * The container's command: Testcontainers' wait for its start script, then a second for the
   * copy to close the file before the script replaces the shell (so that it gets the stop signal).
   */
  private static final String START =
      "while [ ! -f " + START_SCRIPT + " ]; do sleep 0.1; done; " + "sleep 1; exec " + START_SCRIPT;

  /** Pinned to the Kafka client version the project builds against. */
  public static final String IMAGE = "apache/kafka:4.4.0";

  private static final String NETWORK_ALIAS = "kafka";
  private static final String NETWORK_LISTENER = NETWORK_ALIAS + ":19092";
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
  private static KafkaBroker shared;

  private final String bootstrap;
  private final String kind;
  private final Network network;

  private KafkaBroker(String bootstrap, String kind, Network network) {
    this.bootstrap = bootstrap;
    this.kind = kind;
    this.network = network;
  }

  /** The one broker of this JVM, started on first use and stopped when the JVM exits. */
  public static synchronized KafkaBroker shared() throws Exception {
    if (shared == null) {
      if (DockerImages.dockerAvailable()) {
        Network network = Network.newNetwork();
        KafkaContainer container = container().withNetwork(network).withListener(NETWORK_LISTENER);
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          container.stop();
          network.close();
        }));
        shared = new KafkaBroker(
            container.getBootstrapServers(),
            "Testcontainers " + container.getDockerImageName(),
            network);
      } else {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
        shared = new KafkaBroker(
            kafka.bootstrapServers(), "embedded KRaft broker (no Docker here)", null);
      }
      LOG.warn("integration tests use the {} at {}", shared.kind, shared.bootstrap);
    }
    return shared;
  }

  /**
   * A Kafka container of the configured image ({@link DockerImages#KAFKA}), not yet started, after
   * checking every image it needs; for tests that need a broker of their own. Needs Docker.
   */
  public static KafkaContainer container() {
    DockerImages.checkTestcontainersImages();
    DockerImageName image = DockerImages.KAFKA.require();
    // Testcontainers' own command runs its start script as soon as the file appears; on a busy
    // host the file can still be open for writing, and the exec fails with "Text file busy"
    // (exit 126; testcontainers-java #11682, 1.21.4; seen here once on a cold engine).
    return new KafkaContainer(image.asCompatibleSubstituteFor("apache/kafka"))
        .withCommand("sh", "-c", START);
  }

  /** Whether the broker is a container, reachable from other containers. */
  public boolean inDocker() {
    return network != null;
  }

  /** The Docker network of the broker's container; only where {@link #inDocker()}. */
  public Network network() {
    if (network == null) {
      throw new IllegalStateException("the broker is not in Docker: " + kind);
    }
    return network;
  }

  /** Bootstrap servers for containers on {@link #network()}. */
  public String networkBootstrapServers() {
    network();
    return NETWORK_LISTENER;
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  public String kind() {
    return kind;
  }

  /** The settings a client needs to reach the broker: its bootstrap servers. */
  public Map<String, Object> clientSettings() {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
  }

  /** Creates {@code name} with topic-level {@code configs} (for example {@code max.message.bytes}). */
  public void createTopic(String name, int partitions, Map<String, String> configs)
      throws Exception {
    try (Admin admin = Admin.create(clientSettings())) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  /** Sets one topic-level config of an existing topic. */
  public void setTopicConfig(String topic, String key, String value) throws Exception {
    try (Admin admin = Admin.create(clientSettings())) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin
          .incrementalAlterConfigs(Map.of(
              resource,
              List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET))))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  public void createTopics(int partitions, String... names) throws Exception {
    createTopics(bootstrap, partitions, names);
  }

  /** Creates topics with replication factor 1 on the broker at {@code bootstrap}. */
  public static void createTopics(String bootstrap, int partitions, String... names)
      throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              Stream.of(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList())
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }
}
