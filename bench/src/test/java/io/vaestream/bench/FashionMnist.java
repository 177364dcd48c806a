package io.vaestream.bench;

import io.vaestream.trainer.data.DataSources;
import java.io.IOException;
import org.junit.jupiter.api.Assumptions;

/** The smoke tests' data: Fashion-MNIST where the trainer finds it, or the test is skipped with the reason. */
final class FashionMnist {
  private FashionMnist() {}

  static void assumeInstalled() {
    try {
      DataSources.open("fashion-mnist:test");
    } catch (IOException e) {
      Assumptions.abort(
          "Fashion-MNIST is not installed (scripts/fetch-data.sh): " + e.getMessage());
    }
  }
}
