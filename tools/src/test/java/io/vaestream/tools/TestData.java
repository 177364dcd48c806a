package io.vaestream.tools;

import io.vaestream.trainer.data.DataSources;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The data sets the integration tests stream. {@code ./mvnw verify} installs them first
 * (scripts/test-setup.sh); a run of one module alone skips the test instead, saying why.
 */
final class TestData {
  private TestData() {}

  static void assumeFashionMnist() {
    Assumptions.assumeTrue(
        Files.isRegularFile(Path.of(DataSources.FASHION_DIR, "t10k-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not installed (scripts/fetch-data.sh)");
  }
}
