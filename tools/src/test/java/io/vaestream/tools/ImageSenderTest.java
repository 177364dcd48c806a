package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.schemas.ImageContract;
import io.vaestream.trainer.data.ImageDataset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageSenderTest {
  /**
   * A 700 × 700 colour frame is 1.5 MB as an event, over the producer's default 1 MiB: Kafka's
   * refusal came back as a stack trace that named neither the image nor what to change.
   */
  @Test
  void shouldRefuseAnEventLargerThanTheProducerSendsNamingTheImageAndTheOption() {
    ImageContract frame = new ImageContract(700, 700, 3);
    ImageDataset d =
        new ImageDataset(frame, new float[frame.size()], new int[] {0}, List.of(), "frames");
    // nothing listens on port 9: the size is checked before anything is sent
    ImageSender sender = new ImageSender("127.0.0.1:9", "images", null, 1 << 20);

    assertThatThrownBy(() -> sender.send(d, 1, "cam", null, 0, n -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cam-0 (image 0 of frames, 700x700x3) is 1,47")
        .hasMessageContaining("over the producer's max.request.size of 1,048,576")
        .hasMessageContaining("--max-request-size");
  }
}
