package io.vaestream.trainer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The trainer's own version, written into every model it exports. */
public final class TrainerVersion {
  private static final String VERSION = load();

  private TrainerVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = TrainerVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
