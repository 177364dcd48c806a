package io.vaestream.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {
  @Test
  void shouldCollectOnceTheProcessHasGrownByTheAllowanceSinceItsLowestPoint() {
    // resident memory at each reading: the start, then after each step (and after a collection)
    PrimitiveIterator.OfLong readings =
        LongStream.of(1000, 1500, 900, 1800, 1950, 1200, 1300, 2300, 2100).iterator();
    List<Integer> collectedAt = new ArrayList<>();
    int[] step = {0};
    NativeMemory memory =
        new NativeMemory(readings::nextLong, () -> collectedAt.add(step[0]), 1000);

    List<Boolean> checks = new ArrayList<>();
    for (step[0] = 1; step[0] <= 6; step[0]++) {
      checks.add(memory.check());
      if (collectedAt.size() == 2) {
        break;
      }
    }

    // the low falls to 900; 1800 is 900 above it, 1950 is 1050 above it: collected, then 1200
    // is the low, and 2300 is 1100 above it
    assertThat(checks).containsExactly(false, false, false, true, false, true);
    assertThat(collectedAt).containsExactly(4, 6);
  }
}
