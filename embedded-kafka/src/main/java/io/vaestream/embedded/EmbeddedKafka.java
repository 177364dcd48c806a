package io.vaestream.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (broker and controller in one) running in this JVM from Kafka's own
 * server classes, bound to 127.0.0.1 on free ports. For machines without Docker.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final Path dir;
  private final String bootstrap;
  private final boolean temporary;
  private String saslBootstrap;

  private EmbeddedKafka(KafkaRaftServer server, Path dir, String bootstrap, boolean temporary) {
    this.server = server;
    this.dir = dir;
    this.bootstrap = bootstrap;
    this.temporary = temporary;
  }

  /** Starts on free ports in a fresh temporary directory, deleted on close. */
  public static EmbeddedKafka start() throws Exception {
    return start(0, null);
  }

  /**
   * Starts with the broker on {@code port} (0 for a free one) and its data in {@code dataDir}
   * (null for a temporary directory, deleted on close).
   */
  public static EmbeddedKafka start(int port, Path dataDir) throws Exception {
    return start(port, dataDir, Map.of());
  }

  /**
   * Starts with a second listener that takes SASL/PLAIN logins for {@code users} (name to
   * password), beside the plain one; {@link #saslBootstrapServers()} gives its address.
   */
  public static EmbeddedKafka startWithSaslPlain(Map<String, String> users) throws Exception {
    return start(0, null, users);
  }

  private static EmbeddedKafka start(int port, Path dataDir, Map<String, String> saslUsers)
      throws Exception {
    Path dir = dataDir != null
        ? Files.createDirectories(dataDir)
        : Files.createTempDirectory("vaestream-kafka");
    if (port == 0) {
      port = freePort();
    }
    int controller = freePort();
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
    int saslPort = saslUsers.isEmpty() ? -1 : freePort();
    String sasl = saslUsers.isEmpty() ? "" : ",SASL_PLAINTEXT://127.0.0.1:" + saslPort;
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller + sasl);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + sasl);
    p.put("controller.listener.names", "CONTROLLER");
    p.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT");
    if (!saslUsers.isEmpty()) {
      StringBuilder jaas =
          new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
      saslUsers.forEach(
          (u, pw) -> jaas.append(" user_").append(u).append("=\"").append(pw).append('"'));
      p.put("sasl.enabled.mechanisms", "PLAIN");
      p.put(
          "listener.name.sasl_plaintext.plain.sasl.jaas.config",
          jaas.append(';').toString());
    }
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir.toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    KafkaConfig config = new KafkaConfig(p);
    Set<String> topicsOnDisk = topicsIn(dir);
    if (!Files.exists(dir.resolve("meta.properties"))) {
      format(dir);
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    EmbeddedKafka kafka = new EmbeddedKafka(server, dir, "127.0.0.1:" + port, dataDir == null);
    kafka.saslBootstrap = saslUsers.isEmpty() ? null : "127.0.0.1:" + saslPort;
    try (Admin admin = kafka.admin()) {
      admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
      requireMetadataFor(topicsOnDisk, admin, kafka);
    }
    LOG.info("embedded Kafka (KRaft) on {}", kafka.bootstrap);
    return kafka;
  }

  /** The topics whose partitions a data directory holds (none for a new one). */
  private static Set<String> topicsIn(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(Files::isDirectory)
          .map(e -> e.getFileName().toString())
          .filter(n -> n.matches(".+-\\d+") && !n.startsWith("__"))
          .map(n -> n.substring(0, n.lastIndexOf('-')))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /**
   * A restart on existing data must come back with its topics. Should KRaft ever start over from
   * an empty metadata log (seen once in a test, not reproduced in 25 tries), say so at once rather
   * than leave clients waiting for topics that no longer exist.
   */
  private static void requireMetadataFor(Set<String> topicsOnDisk, Admin admin, EmbeddedKafka kafka)
      throws Exception {
    if (topicsOnDisk.isEmpty()) {
      return;
    }
    Set<String> missing = new TreeSet<>(topicsOnDisk);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    missing.removeAll(admin.listTopics().names().get(60, TimeUnit.SECONDS));
    while (!missing.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      missing.removeAll(admin.listTopics().names().get(60, TimeUnit.SECONDS));
    }
    if (!missing.isEmpty()) {
      kafka.close();
      throw new IllegalStateException("embedded Kafka restarted on " + kafka.dir
          + " without the metadata of topics whose data it holds: " + missing
          + " (KRaft found its metadata log empty); the data directory is left as it is");
    }
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  /** The SASL/PLAIN listener, or null when the broker was started without one. */
  public String saslBootstrapServers() {
    return saslBootstrap;
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  public void createTopics(int partitions, String... names) throws Exception {
    try (Admin admin = admin()) {
      admin
          .createTopics(
              Stream.of(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList())
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  private static void format(Path dir) throws Exception {
    new Formatter()
        .setClusterId(Uuid.randomUuid().toString())
        .setNodeId(1)
        .setDirectories(List.of(dir.toString()))
        .setMetadataLogDirectory(dir.toString())
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.latestProduction())
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .run();
  }

  /** Creates topics that do not exist yet. */
  public void ensureTopics(int partitions, String... names) throws Exception {
    try (Admin admin = admin()) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing = Stream.of(names)
          .filter(n -> !existing.contains(n))
          .map(n -> new NewTopic(n, partitions, (short) 1))
          .toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    if (!temporary) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}", dir, e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
