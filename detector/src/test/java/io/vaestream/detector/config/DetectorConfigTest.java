package io.vaestream.detector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.detector.scoring.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectorConfigTest {
  @TempDir
  Path dir;

  @Test
  void shouldLayerDefaultsFileEnvironmentAndCommandLine() throws Exception {
    Path file = dir.resolve("detector.properties");
    Files.writeString(
        file,
        "model.path=/models/a.onnx\ninput.topic=from-file\nbatch.max.size=8\nnum.stream.threads=2\n");
    DetectorConfig c = DetectorConfig.load(
        file,
        Map.of(
            "VAESTREAM_INPUT_TOPIC",
            "from-env",
            "VAESTREAM_BOOTSTRAP_SERVERS",
            "broker:29092",
            "HOME",
            "/root"),
        Map.of("batch.max.size", "16"));
    assertThat(c.modelPath()).isEqualTo(Path.of("/models/a.onnx"));
    assertThat(c.inputTopic()).isEqualTo("from-env");
    assertThat(c.batchMaxSize()).isEqualTo(16);
    assertThat(c.scoresTopic()).isEqualTo("scores");
    assertThat(c.device()).isEqualTo(Device.AUTO);
    Properties p = c.streamsProperties();
    assertThat(p.getProperty("bootstrap.servers")).isEqualTo("broker:29092");
    assertThat(p.get("num.stream.threads")).isEqualTo("2");
    assertThat(p.getProperty("processing.guarantee")).isEqualTo("exactly_once_v2");
    assertThat(p.get("producer.compression.type")).isEqualTo("lz4");
  }

  /** Compose writes {@code ${VAESTREAM_THRESHOLD:-}} as an empty variable: unset, not "". */
  @Test
  void shouldTakeAnEmptyVariableAsUnset() {
    DetectorConfig c = DetectorConfig.load(
        null,
        Map.of(
            "VAESTREAM_MODEL_PATH",
            "/models/a.onnx",
            "VAESTREAM_THRESHOLD",
            "",
            "VAESTREAM_MODEL_SHA256",
            " ",
            "VAESTREAM_INPUT_TOPIC",
            ""),
        Map.of());
    assertThat(c.thresholdOverride()).isNull();
    assertThat(c.inputTopic()).isEqualTo("images");
    assertThat(c.originalsStrings()).doesNotContainKey("model.sha256");
  }

  @Test
  void shouldRefuseNoStreamThreads() {
    assertThatThrownBy(() ->
            new DetectorConfig(Map.of("model.path", "/models/a.onnx", "num.stream.threads", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("num.stream.threads")
        .hasMessageContaining("reads nothing");
  }

  @Test
  void shouldNameTheKeyAndValueOfABadSetting() {
    assertThatThrownBy(() -> DetectorConfig.load(
            null, Map.of(), Map.of("model.path", "m", "batch.max.size", "lots")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("batch.max.size")
        .hasMessageContaining("lots");
    assertThatThrownBy(
            () -> DetectorConfig.load(null, Map.of(), Map.of("model.path", "m", "device", "tpu")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("device")
        .hasMessageContaining("tpu");
    assertThatThrownBy(() ->
            DetectorConfig.load(null, Map.of(), Map.of("model.path", "m", "batch.max.size", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("batch.max.size");
  }

  /** NaN passes Kafka's Range; as a threshold or a drift limit it would turn a check off unseen. */
  @Test
  void shouldRefuseANumberThatIsNotFinite() {
    for (String key :
        List.of("threshold", "drift.psi.threshold", "drift.ks.alpha", "shadow.time.budget")) {
      for (String value : List.of("NaN", "Infinity")) {
        assertThatThrownBy(
                () -> DetectorConfig.load(null, Map.of(), Map.of("model.path", "m", key, value)))
            .as(key + "=" + value)
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(key)
            .hasMessageContaining("must be a finite number");
      }
    }
    assertThat(DetectorConfig.load(null, Map.of(), Map.of("model.path", "m", "threshold", "2.5"))
            .thresholdOverride())
        .isEqualTo(2.5);
  }

  @Test
  void shouldMonitorDriftByDefaultAndRefuseAWindowSmallerThanItsMinimum() {
    DetectorConfig c = DetectorConfig.load(null, Map.of(), Map.of("model.path", "m"));
    assertThat(c.driftEnabled()).isTrue();
    assertThat(c.driftTopic()).isEqualTo("drift");
    assertThat(c.getInt(DetectorConfig.DRIFT_WINDOW_EVENTS)).isEqualTo(1000);
    assertThat(c.getInt(DetectorConfig.DRIFT_MIN_EVENTS)).isEqualTo(500);
    assertThatThrownBy(() -> DetectorConfig.load(
            null, Map.of(), Map.of("model.path", "m", "drift.window.events", "400")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("drift.min.events")
        .hasMessageContaining("500")
        .hasMessageContaining("drift.window.events (400)");
    assertThatThrownBy(() ->
            DetectorConfig.load(null, Map.of(), Map.of("model.path", "m", "drift.ks.alpha", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("drift.ks.alpha");
  }

  @Test
  void shouldRequireAModel() {
    assertThatThrownBy(() -> DetectorConfig.load(null, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.path");
  }

  @Test
  void shouldNameAMissingConfigFile() {
    assertThatThrownBy(
            () -> DetectorConfig.load(dir.resolve("nope.properties"), Map.of(), Map.of()))
        .hasMessageContaining("nope.properties does not exist");
  }

  @Test
  void shouldLetOperatorsOverrideTheTunedProducer() {
    DetectorConfig c = DetectorConfig.load(
        null,
        Map.of(),
        Map.of("model.path", "m", "producer.linger.ms", "20", "security.protocol", "SASL_SSL"));
    assertThat(c.streamsProperties().get("producer.linger.ms")).isEqualTo("20");
    assertThat(c.streamsProperties().get("security.protocol")).isEqualTo("SASL_SSL");
  }

  @Test
  void shouldPollNoLongerThanAnImageMayWaitForItsBatch() {
    DetectorConfig c =
        DetectorConfig.load(null, Map.of(), Map.of("model.path", "m", "batch.max.wait.ms", "8"));
    assertThat(c.streamsProperties().get("poll.ms")).isEqualTo(8L);
    assertThat(c.inferencePipelined()).isTrue();
    DetectorConfig overridden = DetectorConfig.load(
        null, Map.of(), Map.of("model.path", "m", "poll.ms", "50", "inference.pipelined", "false"));
    assertThat(overridden.streamsProperties().get("poll.ms")).isEqualTo("50");
    assertThat(overridden.inferencePipelined()).isFalse();
  }

  @Test
  void shouldGiveEachInstanceAStableStaticIdByDefault() {
    Map<String, String> base =
        Map.of(DetectorConfig.MODEL_PATH, "m.onnx", "state.dir", "/var/lib/a");
    Object a1 = new DetectorConfig(base).streamsProperties().get("group.instance.id");
    Object a2 = new DetectorConfig(base).streamsProperties().get("group.instance.id");
    Map<String, String> other = new java.util.HashMap<>(base);
    other.put("state.dir", "/var/lib/b");
    Object b = new DetectorConfig(other).streamsProperties().get("group.instance.id");
    assertThat(a1).isEqualTo(a2).asString().startsWith("vaestream-detector-");
    assertThat(b).isNotEqualTo(a1);
    assertThat(new DetectorConfig(Map.of(
                DetectorConfig.MODEL_PATH, "m.onnx", DetectorConfig.STATIC_MEMBERSHIP, "false"))
            .streamsProperties())
        .as("dynamic when asked")
        .doesNotContainKey("group.instance.id");
    Map<String, String> given = new java.util.HashMap<>(base);
    given.put("group.instance.id", "camera-line-3");
    assertThat(new DetectorConfig(given).streamsProperties().get("group.instance.id"))
        .isEqualTo("camera-line-3");
  }

  @Test
  void shouldRefuseARegistryFormatWithoutARegistryNamingTheKey() {
    assertThatThrownBy(() -> new DetectorConfig(
            Map.of(DetectorConfig.MODEL_PATH, "m.onnx", DetectorConfig.VALUE_FORMAT, "confluent")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("value.format")
        .hasMessageContaining("needs schema.registry.url");
    assertThatThrownBy(() -> new DetectorConfig(Map.of(
            DetectorConfig.MODEL_PATH,
            "m.onnx",
            DetectorConfig.SCHEMA_REGISTRY_URL,
            "registry:8081")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url");
    DetectorConfig ok = new DetectorConfig(Map.of(
        DetectorConfig.MODEL_PATH,
        "m.onnx",
        DetectorConfig.SCHEMA_REGISTRY_URL,
        "http://registry:8080/apis/ccompat/v7",
        DetectorConfig.SCHEMA_REGISTRY_USER_INFO,
        "svc:hunter2",
        DetectorConfig.VALUE_FORMAT,
        "confluent"));
    assertThat(ok.confluentOutput()).isTrue();
    assertThat(ok.schemaRegistry().describe()).isEqualTo("http://registry:8080/apis/ccompat/v7");
    assertThat(ok.streamsProperties())
        .as("registry settings are the detector's, not Kafka's")
        .doesNotContainKeys(
            DetectorConfig.SCHEMA_REGISTRY_URL, DetectorConfig.SCHEMA_REGISTRY_USER_INFO);
    assertThat(ok.values().toString()).doesNotContain("hunter2");
  }
}
