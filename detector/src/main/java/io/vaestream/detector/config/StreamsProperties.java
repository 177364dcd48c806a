package io.vaestream.detector.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How a {@link DetectorConfig} becomes the properties Kafka Streams runs with: the detector's own
 * keys translated, the producer tuned for image payloads, the poll bounded by the batch timer, and
 * a stable {@code group.instance.id} for static membership.
 */
final class StreamsProperties {
  private StreamsProperties() {}

  /**
   * Properties for Kafka Streams: the detector's own keys translated, the producer tuned for image
   * payloads (the defaults cap throughput badly for records of about a kilobyte), and every
   * pass-through key on top, so an operator can override any of it.
   */
  static Properties of(DetectorConfig config) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getString(DetectorConfig.APPLICATION_ID));
    p.put(
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
        String.join(",", config.getList(DetectorConfig.BOOTSTRAP_SERVERS)));
    p.put(
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        config.getString(DetectorConfig.PROCESSING_GUARANTEE));
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    // The batch timer is a wall-clock punctuation, which runs between polls: an idle input must not
    // hold a waiting image for the default 100 ms poll.
    p.put(StreamsConfig.POLL_MS_CONFIG, config.getLong(DetectorConfig.BATCH_MAX_WAIT_MS));
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.putAll(config.passThrough());
    if (config.getBoolean(DetectorConfig.STATIC_MEMBERSHIP)
        && !p.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) {
      p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, staticInstanceId(p));
    }
    return p;
  }

  /**
   * A group.instance.id that is the same each time this instance restarts and differs between
   * instances: two instances on one host must use different state directories (Kafka Streams locks
   * them), so the host name and the state directory name one.
   */
  private static String staticInstanceId(Properties p) {
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
}
