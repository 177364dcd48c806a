package io.vaestream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker started again on its data directory comes back with its topics, or says it did not. */
class EmbeddedKafkaRestartTest {
  @TempDir
  Path dir;

  @Test
  void shouldKeepItsTopicsAcrossARestartOnTheSameDataDirectory() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir)) {
      kafka.createTopics(2, "kept");
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir);
        var admin = kafka.admin()) {
      assertThat(admin.listTopics().names().get(60, TimeUnit.SECONDS)).contains("kept");
    }
  }

  @Test
  void shouldRefuseToComeBackWithoutTheMetadataOfTopicsItHoldsData() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir)) {
      kafka.createTopics(1, "orphaned");
    }
    deleteTree(dir.resolve("__cluster_metadata-0"));

    assertThatThrownBy(() -> EmbeddedKafka.start(0, dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without the metadata of topics whose data it holds: [orphaned]")
        .hasMessageContaining(dir.toString());
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
