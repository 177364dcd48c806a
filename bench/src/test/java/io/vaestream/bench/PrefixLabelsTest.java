package io.vaestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrefixLabelsTest {
  @Test
  void shouldLabelANameByTheFirstRuleItMatchesInTheOrderAdded() {
    PrefixLabels labels =
        new PrefixLabels().add("producer", "kafka-producer-").add("broker", "broker-", "kafka-");
    assertThat(labels.label("kafka-producer-network-thread")).contains("producer");
    assertThat(labels.label("kafka-log-cleaner-thread-0")).contains("broker");
    assertThat(labels.label("broker-1-to-controller")).contains("broker");
  }

  @Test
  void shouldHaveNoLabelForANameThatMatchesNoRule() {
    assertThat(new PrefixLabels().add("broker", "kafka-").label("main")).isEmpty();
  }

  @Test
  void shouldNameThreadsByRoleAndTheRestAsOther() {
    assertThat(PerfProfile.threadRole("kafka-producer-network-thread"))
        .isEqualTo("Kafka producer I/O threads");
    assertThat(PerfProfile.threadRole("kafka-log-cleaner-thread-0")).isEqualTo("embedded broker");
    assertThat(PerfProfile.threadRole("java"))
        .isEqualTo("main thread and unnamed native threads (benchmark consumer)");
    assertThat(PerfProfile.threadRole("Reference Handl")).isEqualTo("other (Reference Handl)");
  }
}
