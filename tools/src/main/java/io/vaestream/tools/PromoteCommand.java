package io.vaestream.tools;

import io.vaestream.detector.lifecycle.ModelPublisher;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code promote}: the shadow model becomes the live one. */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description = {
      "Makes the shadow model the live one on every detector that follows the models topic.",
      "The shadow model (`publish --mode shadow`) becomes live and shadow scoring ends, in one transaction. With",
      "--discard, shadow scoring ends and the live model stays."
    })
final class PromoteCommand implements Callable<Integer> {
  @Option(names = "--discard", description = "Drop the shadow model instead of promoting it.")
  boolean discard;

  @Mixin
  ModelsTopicOptions models;

  @Override
  public Integer call() throws Exception {
    Brokers.requireReachable(models.bootstrap);
    Map<String, Object> client = models.client();
    String topic = models.topic;
    try {
      if (discard) {
        ModelPublisher.endShadow(client, topic);
        System.out.printf("shadow scoring ended on %s; the live model stays%n", topic);
      } else {
        ModelPublisher.Published p = ModelPublisher.promote(client, topic);
        System.out.printf(
            "promoted the shadow model (sha256 %s, %d bytes) to live at %s-%d@%d; the detectors report "
                + "on %s.status%n",
            p.sha256(), p.bytes(), p.topic(), p.partition(), p.offset(), topic);
      }
    } catch (IOException e) {
      System.err.println("promote: " + e.getMessage());
      return 2;
    }
    return 0;
  }
}
