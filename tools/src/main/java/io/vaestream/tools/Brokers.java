package io.vaestream.tools;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;

/** The first thing a tool that talks to Kafka checks: that a broker answers where the user said. */
final class Brokers {
  /** How long a broker has to answer before the tool gives up with a clear error. */
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Brokers() {}

  /** {@link #requireReachable(String, Duration)} with the tools' {@link #WAIT}. */
  static void requireReachable(String bootstrap) {
    requireReachable(bootstrap, WAIT);
  }

  /**
   * Returns once a broker at {@code bootstrap} has described its cluster; otherwise fails within
   * {@code wait} with an error that names the address, instead of the clients' own minute of
   * retries and a stack trace.
   */
  static void requireReachable(String bootstrap, Duration wait) {
    int ms = (int) wait.toMillis();
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000))) {
      admin.describeCluster().clusterId().get(ms, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw noBroker(bootstrap, wait, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RetriableException) { // Kafka's own timeout among them
        throw noBroker(bootstrap, wait, e);
      }
      // It answered but would not describe its cluster: authentication, authorisation, version.
      throw new IllegalArgumentException(
          "Kafka at " + bootstrap + " refused: " + rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while looking for a broker at " + bootstrap, e);
    } catch (KafkaException e) {
      // A malformed address; Kafka's own reason ("Invalid url in bootstrap.servers") is the
      // cause's.
      throw new IllegalArgumentException(
          "cannot reach Kafka at " + bootstrap + ": " + rootMessage(e), e);
    }
  }

  private static IllegalArgumentException noBroker(String bootstrap, Duration wait, Exception e) {
    return new IllegalArgumentException(
        String.format(
            "no Kafka broker answered at %s within %d s; start one (./vaestream broker) or give "
                + "--bootstrap-servers",
            bootstrap, wait.toSeconds()),
        e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
