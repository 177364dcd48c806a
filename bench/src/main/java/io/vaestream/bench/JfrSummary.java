package io.vaestream.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/** Turns a JFR recording into Markdown: where the sampled threads were, by area and by method. */
final class JfrSummary {
  private JfrSummary() {}

  static String summarize(Path jfr, int top) throws IOException {
    Map<String, Integer> areas = new HashMap<>();
    Map<String, Integer> methods = new HashMap<>();
    int total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      String type = e.getEventType().getName();
      if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")) {
        continue;
      }
      if (e.getStackTrace() == null || e.getStackTrace().getFrames().isEmpty()) {
        continue;
      }
      List<RecordedFrame> frames = e.getStackTrace().getFrames();
      RecordedFrame f = frames.get(0);
      String method = f.getMethod().getType().getName() + "." + f.getMethod().getName();
      if (type.equals("jdk.NativeMethodSample") && isIdleWait(method)) {
        continue;
      }
      total++;
      methods.merge(
          method + (type.equals("jdk.NativeMethodSample") ? " (native)" : ""), 1, Integer::sum);
      areas.merge(area(frames), 1, Integer::sum);
    }
    StringBuilder md = new StringBuilder();
    md.append(String.format(
        Locale.ROOT,
        "%d samples of running threads (Java and native), idle waits left out.%n%n",
        total));
    md.append("| area | share |\n|---|---|\n");
    for (Map.Entry<String, Integer> a : sorted(areas, 20).entrySet()) {
      md.append(String.format(
          Locale.ROOT, "| %s | %.1f%% |%n", a.getKey(), 100.0 * a.getValue() / Math.max(1, total)));
    }
    md.append("\n| top frame | share |\n|---|---|\n");
    for (Map.Entry<String, Integer> m : sorted(methods, top).entrySet()) {
      md.append(String.format(
          Locale.ROOT,
          "| `%s` | %.1f%% |%n",
          m.getKey(),
          100.0 * m.getValue() / Math.max(1, total)));
    }
    return md.toString();
  }

  /** Whose work a frame of a class is, by the class's package. */
  private static final PrefixLabels AREAS = new PrefixLabels()
      .add("ONNX Runtime inference", "ai.onnxruntime")
      .add("Avro and the image contract", "org.apache.avro", "io.vaestream.schemas")
      .add("preprocessing", "io.vaestream.detector.preprocess")
      .add("batch store serde", "io.vaestream.detector.topology.internal")
      .add(
          "embedded broker",
          "kafka.",
          "org.apache.kafka.server",
          "org.apache.kafka.storage",
          "org.apache.kafka.raft",
          "org.apache.kafka.coordinator",
          "org.apache.kafka.controller",
          "org.apache.kafka.metadata")
      .add("Kafka Streams", "org.apache.kafka.streams")
      .add(
          "Kafka clients (producer, consumer, compression)",
          "org.apache.kafka.clients",
          "org.apache.kafka.common")
      .add("benchmark producer and consumer", "io.vaestream.tools", "io.vaestream.bench");

  /** The area of the first frame, from the top, that says whose work this is. */
  private static String area(List<RecordedFrame> frames) {
    return frames.stream()
        .map(f -> AREAS.label(f.getMethod().getType().getName()))
        .flatMap(Optional::stream)
        .findFirst()
        .orElse("JDK and other");
  }

  private static boolean isIdleWait(String method) {
    return method.contains("epollWait")
        || method.contains("EPoll.wait")
        || method.contains("accept")
        || method.contains("Unsafe.park")
        || method.contains("Object.wait")
        || method.contains("Thread.sleep")
        || method.contains("socketRead");
  }

  private static Map<String, Integer> sorted(Map<String, Integer> m, int limit) {
    Map<String, Integer> out = new LinkedHashMap<>();
    m.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(limit)
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
