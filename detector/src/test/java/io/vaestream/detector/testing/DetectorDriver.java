package io.vaestream.detector.testing;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.metrics.DetectorMetrics;
import io.vaestream.detector.topology.DetectorTopology;
import io.vaestream.events.AnomalyScore;
import io.vaestream.events.DeadLetter;
import io.vaestream.schemas.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * A detector graph ({@link DetectorTopology#build}) in a {@link TopologyTestDriver}, under the
 * production properties ({@link DetectorTopology#properties}), with its topics under their
 * default names.
 */
public final class DetectorDriver implements AutoCloseable {
  private final TopologyTestDriver driver;
  private final TestInputTopic<byte[], byte[]> images;

  public DetectorDriver(Topology topology, DetectorConfig config, DetectorMetrics metrics) {
    driver = new TopologyTestDriver(topology, DetectorTopology.properties(config, metrics));
    images =
        driver.createInputTopic("images", new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * A detector on the tiny model in {@code dir} ({@link TinyVaeModel#write(Path, double)}): batches
   * of 4 or 50 ms, state under {@code dir}, then {@code more}. Under at_least_once:
   * TopologyTestDriver's mock producer drops dead letters sent under exactly_once_v2; the
   * exactly-once path is covered against a real broker by DetectorIT.
   */
  public static DetectorConfig config(Path dir, Map<String, Object> more) {
    Map<String, Object> p = new HashMap<>();
    p.put(DetectorConfig.MODEL_PATH, dir.resolve("model.onnx").toString());
    p.put(DetectorConfig.BATCH_MAX_SIZE, 4);
    p.put(DetectorConfig.BATCH_MAX_WAIT_MS, 50);
    p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once");
    p.putAll(more);
    return new DetectorConfig(p);
  }

  public TopologyTestDriver driver() {
    return driver;
  }

  /** The input topic, {@code images}. */
  public TestInputTopic<byte[], byte[]> images() {
    return images;
  }

  /** Image event {@code i} (id {@code e<i>}, the pixels of seed {@code i}) under key {@code k<i>}. */
  public void send(int i) {
    images.pipeInput(key(i), Images.eventBytes("e" + i, i));
  }

  public static byte[] key(int i) {
    return ("k" + i).getBytes(StandardCharsets.UTF_8);
  }

  public TestOutputTopic<byte[], AnomalyScore> scores() {
    return output("scores", AvroSerdes.anomalyScore().deserializer());
  }

  public TestOutputTopic<byte[], AnomalyScore> anomalies() {
    return output("anomalies", AvroSerdes.anomalyScore().deserializer());
  }

  public TestOutputTopic<byte[], DeadLetter> deadLetters() {
    return output("images.dlq", AvroSerdes.deadLetter().deserializer());
  }

  private <V> TestOutputTopic<byte[], V> output(String topic, Deserializer<V> values) {
    return driver.createOutputTopic(topic, new ByteArrayDeserializer(), values);
  }

  @Override
  public void close() {
    driver.close();
  }
}
