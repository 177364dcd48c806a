package io.vaestream.bench;

import io.vaestream.trainer.cli.TrainerApp;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vaestream bench|soak|jmh}: the benchmark harness's own entry point. It is apart from the
 * user's command line ({@code io.vaestream.tools.VaestreamApp}) so that JMH and the harness stay
 * off that class path; the {@code ./vaestream} launcher starts this class for these three
 * commands and {@code VaestreamApp} for every other.
 */
@Command(
    name = "vaestream",
    mixinStandardHelpOptions = true,
    description = "The vaestream benchmark harness: bench, soak and jmh.",
    subcommands = {
      BenchCommand.class,
      SoakCommand.class,
      JmhCommand.class,
      CommandLine.HelpCommand.class
    })
public final class BenchApp {
  private BenchApp() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The harness's command line, for {@link #main} and for tests. Bad arguments and unreadable files
   * end in one error line, as in the user's command line (the trainer's handler).
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new BenchApp());
    cl.setExecutionExceptionHandler(TrainerApp.commandLine().getExecutionExceptionHandler());
    return cl;
  }
}
