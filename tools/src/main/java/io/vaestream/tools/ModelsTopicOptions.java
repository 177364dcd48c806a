package io.vaestream.tools;

import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

/** Where the models topic is: the options {@code publish} and {@code promote} share. */
final class ModelsTopicOptions {
  @Option(
      names = "--bootstrap-servers",
      defaultValue = "127.0.0.1:9092",
      description = "Default: ${DEFAULT-VALUE}.")
  String bootstrap;

  @Option(names = "--topic", defaultValue = "models", description = "Default: ${DEFAULT-VALUE}.")
  String topic;

  /** Settings for the Kafka clients that read and write the topic. */
  Map<String, Object> client() {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
  }
}
