package io.vaestream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.schemas.ImageContract;
import org.junit.jupiter.api.Test;

class BatchesTest {
  @Test
  void shouldKeepSmallImagesInFullBatchesAndCutLargeOnesToTheFloatBudget() {
    assertThat(Batches.of(ImageContract.GRAY_28, 500)).isEqualTo(500);
    assertThat(Batches.of(new ImageContract(128, 128, 3), 500)).isEqualTo(85);
    assertThat(Batches.of(new ImageContract(320, 240, 3), 256)).isEqualTo(18);
    assertThat(Batches.of(new ImageContract(4096, 4096, 3), 256))
        .as("never none")
        .isEqualTo(1);
  }
}
