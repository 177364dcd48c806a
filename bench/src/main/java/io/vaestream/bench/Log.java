package io.vaestream.bench;

import java.util.Locale;

/** The harness's progress lines, on stderr and prefixed by the command, so that stdout keeps the report. */
final class Log {
  private Log() {}

  static void bench(String format, Object... args) {
    print("bench", format, args);
  }

  static void soak(String format, Object... args) {
    print("soak", format, args);
  }

  private static void print(String command, String format, Object... args) {
    System.err.println("[" + command + "] " + String.format(Locale.ROOT, format, args));
  }
}
