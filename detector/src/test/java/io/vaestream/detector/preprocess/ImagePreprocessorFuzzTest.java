package io.vaestream.detector.preprocess;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vaestream.schemas.ImageContract;

/**
 * Fuzzes the decoder every record goes through: whatever the bytes, it must either give a valid
 * tensor or reject the record with a {@link RejectedRecordException} — no other exception, no
 * hang, no out-of-memory. A normal test run replays the committed corpus (src/test/resources/…
 * /ImagePreprocessorFuzzTestInputs); {@code JAZZER_FUZZ=1} fuzzes (see docs/reliability.md).
 */
class ImagePreprocessorFuzzTest {
  private static final ImagePreprocessor PRE =
      new ImagePreprocessor(ImageContract.GRAY_28, 64 * 1024);

  @FuzzTest(maxDuration = "5m")
  void decodeAcceptsOrRejectsEveryInput(byte[] value) {
    try {
      // What the batch scorer does later with an accepted image must not fail either.
      float[] tensor = PRE.decode(value).tensor(ImageContract.GRAY_28);
      if (tensor.length != 784) {
        throw new IllegalStateException("tensor of " + tensor.length + " values");
      }
      for (float v : tensor) {
        if (!(v >= 0f && v <= 1f)) {
          throw new IllegalStateException("value " + v + " escaped validation");
        }
      }
    } catch (RejectedRecordException expected) {
      // the only acceptable failure: it becomes a dead letter with a reason
    }
  }
}
