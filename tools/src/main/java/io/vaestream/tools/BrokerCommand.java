package io.vaestream.tools;

import io.vaestream.embedded.EmbeddedKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code broker}: a single-node KRaft Kafka on 127.0.0.1, from Kafka's own server classes. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a single-node Kafka (KRaft) on 127.0.0.1 until Ctrl-C.",
      "Creates the pipeline's topics. For machines without Docker; use docker-compose elsewhere."
    })
final class BrokerCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      defaultValue = "9092",
      description = "Broker port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--data-dir",
      defaultValue = "runs/broker",
      description = "Log directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--partitions",
      defaultValue = "3",
      description = "Partitions of the topics it creates (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--topics",
      split = ",",
      defaultValue = "images,scores,anomalies,images.dlq",
      description = "Topics to create (default: ${DEFAULT-VALUE}).")
  String[] topics;

  @Override
  public Integer call() throws Exception {
    // refused here in one line: past this point Kafka's own errors are stack traces
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions=" + partitions + " is invalid: expected >= 1");
    }
    for (String t : topics) {
      try {
        Topic.validate(t);
      } catch (InvalidTopicException e) {
        throw new IllegalArgumentException("topics: " + e.getMessage(), e);
      }
    }
    try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      // free
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "port " + port + " on 127.0.0.1 cannot be used (" + e.getMessage()
              + "): is a broker running there already? Give another --port",
          e);
    }
    EmbeddedKafka kafka = EmbeddedKafka.start(port, dataDir);
    kafka.ensureTopics(partitions, topics);
    System.out.println("broker ready on " + kafka.bootstrapServers() + " (data in " + dataDir
        + "); Ctrl-C stops it");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(
            () -> {
              kafka.close();
              stopped.countDown();
            },
            "broker-shutdown"));
    stopped.await();
    return 0;
  }
}
