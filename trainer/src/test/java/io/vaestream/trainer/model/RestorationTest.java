package io.vaestream.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.schemas.ImageContract;
import org.junit.jupiter.api.Test;

class RestorationTest {
  private static final ImageContract TWO_BY_TWO = new ImageContract(2, 2, 1);

  @Test
  void shouldTurnASquareImageAQuarterAtATime() {
    // a b      b d      d c      c a
    // c d  ->  a c  ->  b a  ->  d b
    float[] image = {1, 2, 3, 4};
    assertThat(turn(image, 0)).containsExactly(1, 2, 3, 4);
    assertThat(turn(image, 1)).containsExactly(2, 4, 1, 3);
    assertThat(turn(image, 2)).containsExactly(4, 3, 2, 1);
    assertThat(turn(image, 3)).containsExactly(3, 1, 4, 2);
    assertThat(turn(turn(image, 1), 3)).as("three more turns bring it back").containsExactly(image);
  }

  @Test
  void shouldTurnEveryChannelAlike() {
    ImageContract colour = new ImageContract(2, 2, 3);
    float[] image = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    float[] out = new float[12];
    Restoration.rotate(image, 0, colour, 2, out, 0);
    assertThat(out).containsExactly(4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9);
  }

  @Test
  void shouldRefuseImagesThatAreNotSquare() {
    assertThatThrownBy(() -> Restoration.ROTATIONS.check(new ImageContract(4, 2, 1)))
        .hasMessageContaining("needs square images, not 4x2");
    Restoration.NONE.check(new ImageContract(4, 2, 1));
  }

  private static float[] turn(float[] image, int turns) {
    float[] out = new float[image.length];
    Restoration.rotate(image, 0, TWO_BY_TWO, turns, out, 0);
    return out;
  }
}
