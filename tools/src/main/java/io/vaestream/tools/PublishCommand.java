package io.vaestream.tools;

import io.vaestream.detector.lifecycle.ModelPublisher;
import io.vaestream.detector.lifecycle.ModelPublisher.Role;
import io.vaestream.trainer.cli.TrainerApp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code publish}: puts a model on the models topic, where every detector that follows it takes it up. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes a model to the detectors that follow the models topic (detector setting models.topic).",
      "Each checks it (SHA-256, signature, golden samples, same image contract), then, as --mode says, swaps it",
      "in between two batches (live) or scores beside the live model to scores.shadow (shadow); or rejects it",
      "with its reason on <topic>.status while the model in use keeps scoring.",
      "A rollback is publishing the previous model again; `promote` makes a shadow model live."
    })
final class PublishCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "The model.onnx to publish.")
  Path model;

  @Option(
      names = "--mode",
      defaultValue = "live",
      description = "live or shadow (default: ${DEFAULT-VALUE}).")
  String mode;

  @Mixin
  ModelsTopicOptions models;

  @Override
  public Integer call() throws Exception {
    Role role;
    try {
      role = Role.valueOf(mode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      System.err.println("publish: --mode " + mode + " is not known: use live or shadow");
      return 2;
    }
    Brokers.requireReachable(models.bootstrap);
    ModelPublisher.Published p;
    try {
      p = ModelPublisher.publish(models.client(), models.topic, model, role);
    } catch (IOException e) {
      System.err.println("publish: " + TrainerApp.messageOf(e));
      return 2;
    }
    System.out.printf(
        "published %s (%d bytes, sha256 %s) to %s-%d@%d as the %s model; the detectors report on "
            + "%s.status%n",
        model,
        p.bytes(),
        p.sha256(),
        p.topic(),
        p.partition(),
        p.offset(),
        role.key(),
        models.topic);
    return 0;
  }
}
