package io.vaestream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * A CPU profile of this JVM taken by Linux {@code perf}, which, unlike JFR, sees native code: ONNX
 * Runtime's kernels, the JVM itself (collector, JIT compiler) and the kernel's network stack. JIT
 * compiled Java is named through the perf map the JVM writes on request ({@code
 * Compiler.perfmap}). Needs {@code perf} on the PATH (Debian: {@code apt-get install linux-perf});
 * without it there is simply no profile.
 */
final class PerfProfile implements AutoCloseable {
  private static final Pattern ROW = Pattern.compile("^\\s*([0-9.]+)%\\s+(.+?)\\s*$");

  private final Process perf;
  private final Path data;

  private PerfProfile(Process perf, Path data) {
    this.perf = perf;
    this.data = data;
  }

  /** Starts sampling every thread of this JVM, or says why it cannot. */
  static Optional<PerfProfile> start(Path data) {
    try {
      Files.deleteIfExists(data);
      Process p = new ProcessBuilder(
              "perf",
              "record",
              "-q",
              "-e",
              "cpu-clock",
              "-F",
              "997",
              "-p",
              Long.toString(ProcessHandle.current().pid()),
              "-o",
              data.toString())
          .redirectErrorStream(true)
          .redirectOutput(data.resolveSibling(data.getFileName() + ".log").toFile())
          .start();
      // perf writes its header once it has attached to every thread.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (p.isAlive()
          && !(Files.exists(data) && Files.size(data) > 0)
          && System.nanoTime() < deadline) {
        p.waitFor(20, TimeUnit.MILLISECONDS);
      }
      if (!p.isAlive()) {
        Log.bench(
            "perf record exited with %d (see %s.log): no native profile", p.exitValue(), data);
        return Optional.empty();
      }
      return Optional.of(new PerfProfile(p, data));
    } catch (IOException e) {
      Log.bench(
          "perf is not available (%s): no native profile; apt-get install linux-perf adds it",
          e.getMessage());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Stops sampling (perf writes its file on SIGTERM) and names the JIT-compiled code seen so far. */
  @Override
  public void close() throws IOException, InterruptedException {
    perf.destroy();
    if (!perf.waitFor(60, TimeUnit.SECONDS)) {
      perf.destroyForcibly();
    }
    try {
      ManagementFactory.getPlatformMBeanServer()
          .invoke(
              new ObjectName("com.sun.management:type=DiagnosticCommand"),
              "compilerPerfmap",
              new Object[] {new String[0]},
              new String[] {String[].class.getName()});
    } catch (Exception e) {
      Log.bench(
          "could not write the JVM's perf map (%s): Java frames stay unnamed", e.getMessage());
    }
  }

  /** Markdown tables: CPU by thread role, by library and the top symbols. */
  String summarize(int top) throws IOException, InterruptedException {
    StringBuilder md = new StringBuilder();
    md.append("| thread | share of CPU samples |\n|---|---|\n");
    appendRows(md, group(report("comm"), PerfProfile::threadRole), 12);
    md.append("\n| code | share of CPU samples |\n|---|---|\n");
    appendRows(md, group(report("dso"), PerfProfile::library), 12);
    md.append("\n| top symbol | library | share |\n|---|---|---|\n");
    int n = 0;
    for (String[] row : report("sym,dso")) {
      if (n++ == top) {
        break;
      }
      String[] parts = row[1].split("\\s{2,}", 2);
      // perf prints "[.] symbol" for user code and "[k] symbol" for the kernel, then the library.
      String sym = parts[0].replaceFirst("^\\[[.kg]\\]\\s*", "");
      String lib = parts.length > 1 ? parts[1] : "";
      md.append(
          String.format(Locale.ROOT, "| `%s` | %s | %s%% |%n", shorten(sym), library(lib), row[0]));
    }
    return md.toString();
  }

  private List<String[]> report(String sort) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(
            "perf",
            "report",
            "-i",
            data.toString(),
            "--stdio",
            "-q",
            "--no-children",
            "--sort",
            sort,
            "--percent-limit",
            "0.1")
        .redirectErrorStream(false)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    List<String[]> rows = new ArrayList<>();
    for (String line : out.split("\n")) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        rows.add(new String[] {m.group(1), m.group(2)});
      }
    }
    return rows;
  }

  private static Map<String, Double> group(List<String[]> rows, Function<String, String> key) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String[] r : rows) {
      out.merge(key.apply(r[1]), Double.parseDouble(r[0]), Double::sum);
    }
    return out;
  }

  private static void appendRows(StringBuilder md, Map<String, Double> shares, int limit) {
    shares.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(limit)
        .forEach(e ->
            md.append(String.format(Locale.ROOT, "| %s | %.1f%% |%n", e.getKey(), e.getValue())));
  }

  /** Linux keeps 15 characters of a thread's name; Java and Kafka name theirs, ONNX Runtime does not. */
  private static final PrefixLabels THREAD_ROLES = new PrefixLabels()
      .add(
          "detector stream thread (Kafka Streams, decoding, batch store; inference when not pipelined)",
          "bench-")
      .add("inference threads (ONNX Runtime, pipelined batches)", "vaestream-infer")
      .add("Kafka producer I/O threads", "kafka-producer-")
      .add(
          "embedded broker",
          "data-plane-kafk",
          "kafka-",
          "broker-",
          "quorum-",
          "controller-",
          "ReplicaFetcher",
          "transaction-",
          "group-")
      .add("JIT compiler", "C1 Compiler", "C2 Compiler")
      .add("garbage collector", "GC Thread", "G1 ");

  static String threadRole(String comm) {
    return THREAD_ROLES
        .label(comm)
        .orElse(
            comm.equals("java")
                ? "main thread and unnamed native threads (benchmark consumer)"
                : "other (" + comm + ")");
  }

  static String library(String dso) {
    if (dso.contains("onnxruntime")) {
      return "ONNX Runtime (native)";
    }
    if (dso.startsWith("perf-") || dso.contains("[JIT]") || dso.equals("[unknown]")) {
      return "JIT-compiled Java";
    }
    if (dso.equals("libjvm.so")) {
      return "JVM (interpreter, collector, JIT compiler, runtime)";
    }
    if (dso.startsWith("[kernel")) {
      return "Linux kernel (loopback network, scheduling, files)";
    }
    if (dso.startsWith("libc") || dso.startsWith("libpthread") || dso.startsWith("ld-linux")) {
      return "C library";
    }
    return dso;
  }

  private static String shorten(String sym) {
    String s = sym.replace("|", "\\|");
    return s.length() > 110 ? s.substring(0, 107) + "..." : s;
  }
}
