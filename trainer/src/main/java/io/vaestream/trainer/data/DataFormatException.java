package io.vaestream.trainer.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file that cannot be read as what it claims to be. The message names the file. */
public final class DataFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public DataFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public DataFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
