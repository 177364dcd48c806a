package io.vaestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelFormatTest {
  @Test
  void shouldFlagScoresAboveTheThresholdAndScoresThatAreNotANumber() {
    assertThat(ModelFormat.isAnomaly(2.0, 1.0)).isTrue();
    assertThat(ModelFormat.isAnomaly(1.0, 1.0)).as("at the threshold: normal").isFalse();
    assertThat(ModelFormat.isAnomaly(0.5, 1.0)).isFalse();
    assertThat(ModelFormat.isAnomaly(Double.NaN, 1.0))
        .as("the model failed on it")
        .isTrue();
    assertThat(ModelFormat.isAnomaly(Double.POSITIVE_INFINITY, 1.0)).isTrue();
    assertThat(ModelFormat.isAnomaly(Double.NEGATIVE_INFINITY, 1.0)).isFalse();
  }
}
