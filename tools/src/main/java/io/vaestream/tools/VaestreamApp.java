package io.vaestream.tools;

import io.vaestream.detector.DetectorApp;
import io.vaestream.trainer.cli.TrainerApp;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vaestream}: one command line for the whole pipeline. Trainer commands come from {@link
 * TrainerApp}, {@code detect} from {@link DetectorApp}; {@code demo}, {@code score}, {@code broker},
 * {@code produce}, {@code tail}, {@code publish} and {@code promote} live here. The benchmark
 * harness ({@code bench}, {@code soak}, {@code jmh}) has an entry point of its own,
 * {@code io.vaestream.bench.BenchApp}, so that this class path carries no JMH; the launcher picks
 * the entry point by command.
 */
@Command(
    name = "vaestream",
    mixinStandardHelpOptions = true,
    description =
        "Streaming anomaly detection for images on Kafka, with a variational autoencoder.",
    subcommands = {
      DemoCommand.class,
      ScoreCommand.class,
      BrokerCommand.class,
      ProduceCommand.class,
      TailCommand.class,
      PublishCommand.class,
      PromoteCommand.class,
      CommandLine.HelpCommand.class
    })
public final class VaestreamApp {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new VaestreamApp());
    CommandLine trainer = TrainerApp.commandLine();
    for (String name :
        new String[] {"train", "export", "sample", "evaluate", "evaluate-maps", "textures", "info"
        }) {
      cl.addSubcommand(name, trainer.getSubcommands().get(name));
    }
    cl.addSubcommand("detect", DetectorApp.commandLine("detect"));
    cl.setExecutionExceptionHandler(trainer.getExecutionExceptionHandler());
    cl.setParameterExceptionHandler(TrainerApp::badArguments);
    return cl;
  }
}
