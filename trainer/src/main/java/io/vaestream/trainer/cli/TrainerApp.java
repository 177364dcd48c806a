package io.vaestream.trainer.cli;

import io.vaestream.trainer.TrainerVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vaestream-trainer}: fit, export, inspect and evaluate VAE anomaly models. */
@Command(
    name = "vaestream-trainer",
    mixinStandardHelpOptions = true,
    versionProvider = TrainerApp.Version.class,
    description =
        "Fits a variational autoencoder with DL4J, exports it to ONNX, calibrates and evaluates it.",
    subcommands = {
      TrainCommand.class,
      ExportCommand.class,
      SampleCommand.class,
      EvaluateCommand.class,
      EvaluateMapsCommand.class,
      TexturesCommand.class,
      InfoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class TrainerApp {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for {@code main} and for tests. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new TrainerApp());
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof IllegalArgumentException || ex instanceof IOException) {
        return userError(cmd, ex);
      }
      if (ex instanceof UncheckedIOException io) {
        // a file read where no IOException may pass, such as in a lambda
        return userError(cmd, io.getCause());
      }
      throw ex;
    });
    cl.setParameterExceptionHandler(TrainerApp::badArguments);
    return cl;
  }

  /** Prints what the user got wrong as one line, without a stack trace; exit code 2. */
  public static int userError(CommandLine cmd, Exception ex) {
    cmd.getErr().println(cmd.getColorScheme().errorText("error: " + messageOf(ex)));
    return 2;
  }

  /**
   * What went wrong, in words: the file system's exceptions name only the path (a folder that
   * cannot be read said {@code error: /data/parts}), so the reason is added.
   */
  public static String messageOf(Exception ex) {
    if (ex instanceof FileSystemException f && f.getReason() == null) {
      return f.getMessage() + ": "
          + FILE_SYSTEM_REASONS.getOrDefault(f.getClass(), f.getClass().getSimpleName());
    }
    return ex.getMessage();
  }

  private static final Map<Class<?>, String> FILE_SYSTEM_REASONS = Map.of(
      AccessDeniedException.class, "permission denied",
      NoSuchFileException.class, "no such file or folder",
      NotDirectoryException.class, "not a folder",
      FileAlreadyExistsException.class, "already exists");

  /**
   * A wrong option or value: the message and where to look, not the whole usage, which would
   * bury the one line that matters under sixty.
   */
  public static int badArguments(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    cmd.getErr().println(cmd.getColorScheme().errorText("error: " + ex.getMessage()));
    CommandLine.UnmatchedArgumentException.printSuggestions(ex, cmd.getErr());
    cmd.getErr().println("(options: " + cmd.getCommandSpec().qualifiedName() + " --help)");
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"vaestream-trainer " + TrainerVersion.get()};
    }
  }
}
