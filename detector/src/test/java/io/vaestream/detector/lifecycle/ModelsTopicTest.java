package io.vaestream.detector.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ModelsTopicTest {
  /** A header without a value once stopped the model watcher for good (a NullPointerException). */
  @Test
  void shouldReadAHeaderWithoutAValueAsNone() {
    ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("models", 0, 0L, null, null);
    r.headers().add(ModelWatcher.SHA256_HEADER, null);
    assertThat(ModelsTopic.header(r, ModelWatcher.SHA256_HEADER)).isNull();
    r.headers().add(ModelWatcher.SHA256_HEADER, "ab".getBytes(StandardCharsets.UTF_8));
    assertThat(ModelsTopic.header(r, ModelWatcher.SHA256_HEADER)).isEqualTo("ab");
    assertThat(ModelsTopic.header(r, "other")).isNull();
  }
}
