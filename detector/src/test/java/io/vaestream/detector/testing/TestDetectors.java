package io.vaestream.detector.testing;

import io.vaestream.detector.config.DetectorConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/** Settings of an in-process test detector on the topics {@code PREFIX-images}, {@code -scores}, … */
public final class TestDetectors {
  private TestDetectors() {}

  public static String images(String prefix) {
    return prefix + "-images";
  }

  public static String scores(String prefix) {
    return prefix + "-scores";
  }

  /** The four topics, in creation order. */
  public static String[] topics(String prefix) {
    return new String[] {images(prefix), scores(prefix), prefix + "-anomalies", prefix + "-dlq"};
  }

  /** A CPU detector without HTTP endpoints, state under {@code stateDir}. */
  public static Map<String, Object> settings(String bootstrap, Path model, String prefix, Path stateDir) {
    Map<String, Object> p = new HashMap<>();
    p.put(DetectorConfig.BOOTSTRAP_SERVERS, bootstrap);
    p.put(DetectorConfig.APPLICATION_ID, "detector-" + prefix);
    p.put(DetectorConfig.MODEL_PATH, model.toString());
    p.put(DetectorConfig.DEVICE, "cpu");
    p.put(DetectorConfig.INPUT_TOPIC, images(prefix));
    p.put(DetectorConfig.SCORES_TOPIC, scores(prefix));
    p.put(DetectorConfig.ANOMALIES_TOPIC, prefix + "-anomalies");
    p.put(DetectorConfig.DLQ_TOPIC, prefix + "-dlq");
    p.put(DetectorConfig.HTTP_PORT, 0);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return p;
  }
}
