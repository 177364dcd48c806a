package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.localize.Localizer;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.detector.testing.StubScorer;
import io.vaestream.schemas.ImageContract;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Sizes that would fail record after record on the stream thread are refused at start. */
class SizeLimitsTest {

  /** A model of {@code contract}, with anomaly maps; it is never asked to score. */
  private static Scorer model(ImageContract contract) {
    Localizer localizer = new Localizer(contract, 0.1);
    return new StubScorer(contract) {
      @Override
      public Localizer localizer() {
        return localizer;
      }
    };
  }

  private static DetectorConfig config(Object... keyValues) {
    Map<String, Object> p = new HashMap<>();
    p.put(DetectorConfig.MODEL_PATH, "model.onnx");
    for (int i = 0; i < keyValues.length; i += 2) {
      p.put((String) keyValues[i], keyValues[i + 1]);
    }
    return new DetectorConfig(p);
  }

  @Test
  void shouldRefuseABatchOfModelInputTooLargeToAllocate() {
    Scorer rgb256 = model(new ImageContract(256, 256, 3, ImageContract.Resize.RESIZE));
    assertThatThrownBy(() -> SizeLimits.check(config(DetectorConfig.BATCH_MAX_SIZE, 1024), rgb256))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("batch.max.size")
        .hasMessageContaining("1024 images of 256x256x3 (resize) take 768 MB")
        .hasMessageContaining("at most 682 for this model");
    assertThatCode(() -> SizeLimits.check(config(DetectorConfig.BATCH_MAX_SIZE, 682), rgb256))
        .doesNotThrowAnyException();
  }

  /** A 1024 x 1024 map alone is over Kafka's default 1 MiB request: every flagged event failed. */
  @Test
  void shouldRefuseAFlaggedEventLargerThanTheProducerSends() {
    Scorer big = model(new ImageContract(1024, 1024, 1));
    assertThatThrownBy(() -> SizeLimits.check(config(DetectorConfig.BATCH_MAX_SIZE, 8), big))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("its anomaly map's PNG 1,049,748")
        .hasMessageContaining("max.request.size=1,048,576")
        .hasMessageContaining("localization=false");
    assertThatCode(() -> SizeLimits.check(
            config(DetectorConfig.BATCH_MAX_SIZE, 8, DetectorConfig.LOCALIZATION, false), big))
        .doesNotThrowAnyException();
    assertThatCode(() -> SizeLimits.check(
            config(DetectorConfig.BATCH_MAX_SIZE, 8, "producer.max.request.size", 4 << 20), big))
        .doesNotThrowAnyException();
    assertThatCode(() -> SizeLimits.check(config(), model(new ImageContract(512, 512, 3))))
        .doesNotThrowAnyException();
  }
}
