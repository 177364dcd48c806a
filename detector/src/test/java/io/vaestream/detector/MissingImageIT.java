package io.vaestream.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaestream.detector.testing.DockerImages;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Where Docker runs but an image cannot be had (not built, no registry), the integration tests
 * fail at once with what to do, instead of retrying a pull for two minutes.
 */
class MissingImageIT {

  @Test
  void shouldFailFastNamingTheImageAndTheSetting() {
    assumeTrue(DockerImages.dockerAvailable(), "needs a Docker engine");
    DockerImages.Setting missing = new DockerImages.Setting(
        "vaestream.missing.image", "VAESTREAM_MISSING_IMAGE", "vaestream-local/no-such-image:0");
    long t0 = System.nanoTime();
    assertThatThrownBy(missing::require)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("vaestream-local/no-such-image:0")
        .hasMessageContaining("-Dvaestream.missing.image=")
        .hasMessageContaining("VAESTREAM_MISSING_IMAGE")
        .hasMessageContaining("scripts/docker-images.sh");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
  }
}
