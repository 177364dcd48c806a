package io.vaestream.detector.lifecycle;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.detector.testing.TinyVaeModel;
import io.vaestream.schemas.ModelFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code publish} refuses before it reaches a broker (none answers at the address given). */
class ModelPublisherTest {
  private static final Map<String, Object> NO_BROKER = Map.of("bootstrap.servers", "127.0.0.1:9");

  @TempDir
  Path dir;

  /**
   * A model file that is not the one its checksum file names: the detector refuses it at start,
   * but publish put the bytes' own hash in the record's header, which vouched for any file.
   */
  @Test
  void shouldRefuseAModelThatItsChecksumFileDoesNotMatch() throws Exception {
    Path model = TinyVaeModel.write(dir.resolve("a"), 0.5);
    ModelFiles.writeChecksum(model, Files.readAllBytes(model));
    Path other = TinyVaeModel.write(dir.resolve("b"), 0.7);
    Files.copy(other, model, StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> publish(model))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(model + ": SHA-256 is ")
        .hasMessageContaining("model.onnx.sha256 says")
        .hasMessageContaining("not the model you meant");
  }

  @Test
  void shouldRefuseAFolderAndAFileTooLargeBeforeReadingIt() throws Exception {
    assertThatThrownBy(() -> publish(dir)).hasMessageContaining("a folder, not a model file");
    Path huge = dir.resolve("huge.onnx");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(ModelWatcher.MAX_MODEL_BYTES + 1L); // sparse: nothing is written
    }
    assertThatThrownBy(() -> publish(huge))
        .hasMessageContaining("the models topic takes at most " + ModelWatcher.MAX_MODEL_BYTES);
  }

  private void publish(Path model) throws Exception {
    ModelPublisher.publish(NO_BROKER, "models", model, ModelPublisher.Role.LIVE);
  }
}
