package io.vaestream.detector.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.schemas.CalibrationProfile;
import io.vaestream.schemas.ModelFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calibration profile, read from the model's metadata, for drift monitoring; older models have none. */
class OnnxScorerProfileTest {
  @TempDir
  Path dir;

  /** The tiny model with {@code value} under {@link ModelFormat#CALIBRATION_PROFILE}. */
  private Path withProfile(String value) throws Exception {
    Path model = TinyVaeModel.write(dir, 0.5);
    ModelProto p = ModelProto.parseFrom(Files.readAllBytes(model)).toBuilder()
        .addMetadataProps(StringStringEntryProto.newBuilder()
            .setKey(ModelFormat.CALIBRATION_PROFILE)
            .setValue(value))
        .build();
    Files.write(model, p.toByteArray());
    return model;
  }

  @Test
  void shouldReadTheProfileAndHandItOnAcrossASwap() throws Exception {
    double[] q = {0, 1, 2};
    String json = new CalibrationProfile(
            40,
            Map.of(
                CalibrationProfile.SCORE,
                q,
                CalibrationProfile.MEAN_INTENSITY,
                q,
                CalibrationProfile.CONTRAST,
                q))
        .toJson();
    try (SwappableScorer s = new SwappableScorer(
        OnnxScorer.open(TinyVaeModel.write(dir.resolve("old"), 0.5), Device.CPU))) {
      assertThat(s.calibrationProfile()).as("a model written before profiles").isNull();
      s.swap(OnnxScorer.open(withProfile(json), Device.CPU));
      assertThat(s.calibrationProfile().n()).isEqualTo(40);
      assertThat(s.calibrationProfile().quantiles(CalibrationProfile.CONTRAST))
          .containsExactly(0, 1, 2);
    }
  }

  @Test
  void shouldRefuseAModelWithAMalformedProfile() throws Exception {
    Path model = withProfile("{\"n\": 5, \"quantiles\": {}}");
    assertThatThrownBy(() -> OnnxScorer.open(model, Device.CPU))
        .isInstanceOf(ScorerException.class)
        .hasMessageContaining(ModelFormat.CALIBRATION_PROFILE)
        .hasMessageContaining("no quantiles of score");
  }
}
