package io.vaestream.detector.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * The Docker images the integration tests run, and the checks that make a missing one fail at
 * once. Each image is named by a system property, an environment variable, or what {@code
 * scripts/docker-images.sh} last chose (on the tests' class path), and defaults to the public
 * image. An image that the engine neither has nor can pull fails the test within seconds,
 * naming the image and the setting, where Testcontainers alone would retry for two minutes.
 */
public final class DockerImages {
  /** The broker: {@code apache/kafka}, or a stand-in that keeps its configuration interface. */
  public static final Setting KAFKA =
      new Setting("vaestream.kafka.image", "VAESTREAM_KAFKA_IMAGE", KafkaBroker.IMAGE);
  /** The shipped detector image, built from this checkout's Dockerfile. */
  public static final Setting DETECTOR = new Setting(
      "vaestream.detector.image", "VAESTREAM_DETECTOR_IMAGE", "vaestream/detector:0.1.0");

  /** The image of Testcontainers' resource reaper, as its RyukContainer names it (Testcontainers 1.21). */
  private static final String RYUK = "testcontainers/ryuk:0.12.0";

  /** Where {@code scripts/docker-images.sh} writes its choices for the tests (target/docker/classpath). */
  private static final String IMAGES_RESOURCE = "vaestream-images.properties";

  private static final Duration PULL_TIMEOUT = Duration.ofSeconds(20);
  private static final Logger LOG = LoggerFactory.getLogger(DockerImages.class);
  private static final String HOW_TO = "build the images with scripts/docker-images.sh (./mvnw "
      + "verify runs it where a Docker engine answers)";

  /** What {@code scripts/docker-images.sh} chose, on the tests' class path (none before it ran). */
  private static final Properties BUILT = builtImages();

  private DockerImages() {}

  /**
   * An image variable such as {@code VAESTREAM_KAFKA_IMAGE}: from the environment, else as {@code
   * scripts/docker-images.sh} last chose it; null when neither names it.
   */
  public static String configured(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) {
      value = BUILT.getProperty(variable);
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static Properties builtImages() {
    Properties p = new Properties();
    try (InputStream in =
        DockerImages.class.getClassLoader().getResourceAsStream(IMAGES_RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + IMAGES_RESOURCE, e);
    }
    return p;
  }

  /** One image setting: system property, then environment variable, then the default. */
  public record Setting(String property, String environment, String fallback) {
    public String image() {
      String fromProperty = System.getProperty(property);
      if (fromProperty != null && !fromProperty.isBlank()) {
        return fromProperty;
      }
      String fromEnvironment = configured(environment);
      return fromEnvironment != null ? fromEnvironment : fallback;
    }

    /** The image, present on the engine or pulled now; fails with what to set when it cannot be had. */
    public DockerImageName require() {
      String image = image();
      DockerImages.require(
          image, "set -D" + property + "=IMAGE or " + environment + "=IMAGE, or " + HOW_TO);
      return DockerImageName.parse(image);
    }
  }

  /**
   * The client of the Docker engine, if one answers, made once per JVM. It does not start
   * Testcontainers' resource reaper (Ryuk): {@link DockerClientFactory#client()} would, and would
   * retry its image pull.
   */
  private static final class Engine {
    static final Optional<DockerClient> CLIENT = connect();

    private static Optional<DockerClient> connect() {
      try {
        DockerClient d = DockerClientProviderStrategy.getClientForConfig(
            DockerClientFactory.instance().getTransportConfig());
        d.pingCmd().exec();
        return Optional.of(d);
      } catch (RuntimeException noEngine) {
        return Optional.empty();
      }
    }
  }

  /** Whether a Docker engine answers here. */
  public static boolean dockerAvailable() {
    return Engine.CLIENT.isPresent();
  }

  /**
   * Checks the images Testcontainers itself starts, before anything starts them: its resource
   * reaper (Ryuk), unless disabled with {@code TESTCONTAINERS_RYUK_DISABLED=true} (this then logs
   * why, and the fixtures stop their containers from JVM shutdown hooks), and the "tiny image" of
   * its start-up checks ({@code TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE}).
   */
  public static void checkTestcontainersImages() {
    TestcontainersConfiguration config = TestcontainersConfiguration.getInstance();
    if (Boolean.parseBoolean(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
      LOG.warn(
          "Testcontainers' Ryuk is disabled (TESTCONTAINERS_RYUK_DISABLED=true, set by "
              + "scripts/docker-images.sh where its image cannot be pulled): the test fixtures stop their "
              + "containers from JVM shutdown hooks, and a JVM killed with -9 leaves them to `docker rm -f`");
    } else {
      require(
          RYUK,
          "set TESTCONTAINERS_RYUK_DISABLED=true to run without Testcontainers' reaper (" + HOW_TO
              + ")");
    }
    if (!config.isDisableChecks()) {
      require(
          config.getTinyImage(),
          "set TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE to a local image with a " + "POSIX shell ("
              + HOW_TO + ")");
    }
  }

  private static void require(String image, String remedy) {
    DockerClient docker =
        Engine.CLIENT.orElseThrow(() -> new IllegalStateException("no Docker engine answers"));
    if (present(docker, image)) {
      return;
    }
    LOG.info(
        "image {} is not on the engine; pulling it (at most {} s)",
        image,
        PULL_TIMEOUT.toSeconds());
    String why;
    try {
      boolean done = docker
          .pullImageCmd(image)
          .start()
          .awaitCompletion(PULL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      why = done
          ? "the pull ended without the image"
          : "no pull finished within " + PULL_TIMEOUT.toSeconds() + " s";
      if (done && present(docker, image)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "interrupted";
    } catch (RuntimeException e) {
      why = e.getMessage() == null ? e.toString() : e.getMessage().strip();
    }
    throw new IllegalStateException("Docker runs here, but the image " + image
        + " is neither on the engine nor pullable (" + why + "). To fix: " + remedy + ".");
  }

  private static boolean present(DockerClient docker, String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }
}
