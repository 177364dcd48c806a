package io.vaestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GoldenSamplesTest {

  @Test
  void shouldRoundTripInputsBitForBitThroughJson() {
    float[] tensor = {0f, 0.5f, 1f, 1e-7f, 0.333333f};
    GoldenSamples g =
        new GoldenSamples(1e-4, List.of(GoldenSamples.Sample.of(tensor, 1.5, 2.5, 4.0)));
    GoldenSamples back = GoldenSamples.fromJson(g.toJson());
    assertThat(back.samples()).hasSize(1);
    assertThat(back.samples().get(0).tensor()).containsExactly(tensor);
    assertThat(back.samples().get(0).score()).isEqualTo(4.0);
    assertThat(back.tolerance()).isEqualTo(1e-4);
  }

  @Test
  void shouldMatchRelativelyAboveOneAndAbsolutelyBelow() {
    GoldenSamples g = new GoldenSamples(1e-4, List.of());
    assertThat(g.matches(1000, 1000.09)).isTrue();
    assertThat(g.matches(1000, 1000.2)).isFalse();
    assertThat(g.matches(0.001, 0.00105)).isTrue();
    assertThat(g.matches(0.001, 0.0012)).isFalse();
  }

  @Test
  void shouldNameMalformedJson() {
    assertThatThrownBy(() -> GoldenSamples.fromJson("{not json"))
        .hasMessageContaining("malformed golden samples");
  }
}
