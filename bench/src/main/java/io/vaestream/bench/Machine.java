package io.vaestream.bench;

/**
 * The machine a benchmark ran on, as its reports state it. Taken with the results, not when the
 * report is written, so that a report rendered later (or in a test) says where the figures came
 * from.
 */
record Machine(int cores, String arch, String javaVersion) {
  static Machine current() {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"),
        System.getProperty("java.version"));
  }
}
