package io.vaestream.detector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class StreamHealthTest {
  private final AtomicReference<KafkaStreams.State> state =
      new AtomicReference<>(KafkaStreams.State.RUNNING);
  private Instant now = Instant.parse("2026-12-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  private long progress;
  private boolean restarting;
  private final StreamHealth health = new StreamHealth(
      state::get, () -> restarting, () -> progress, 3, Duration.ofMinutes(5), clock);

  @Test
  void shouldBeReadyWhileRunningWithoutACrashLoop() {
    assertThat(health.notReady()).isNull();
    assertThat(health.unhealthy()).isNull();
    health.threadFailed(new IllegalStateException("once"));
    now = now.plusSeconds(12);
    assertThat(health.notReady())
        .as("not proven since the failure")
        .contains(
            "a stream thread failed 12 s ago and nothing has been scored since",
            "IllegalStateException: once");
    progress++;
    assertThat(health.notReady()).as("scoring again").isNull();
  }

  /** One transient failure on an idle line: nothing to score proves nothing, 30 s of RUNNING does. */
  @Test
  void shouldBeReadyAgainOnceTheRestartedClientRunsAWhileWithNothingToScore() {
    health.threadFailed(new IllegalStateException("broker blip"));
    assertThat(health.notReady()).contains("nothing has been scored since");
    now = now.plusSeconds(20);
    assertThat(health.notReady()).as("seen RUNNING 20 s").contains("nothing has been scored since");
    now = now.plusSeconds(11);
    assertThat(health.notReady()).as("RUNNING 31 s without failing").isNull();
    // another failure starts the count again
    health.threadFailed(new IllegalStateException("again"));
    now = now.plusSeconds(31);
    assertThat(health.notReady()).contains("nothing has been scored since");
  }

  @Test
  void shouldReportACrashLoopWithItsLastFailure() {
    for (int i = 0; i < 4; i++) {
      health.threadFailed(
          new RuntimeException("wrapped", new IllegalArgumentException("bad batch " + i)));
      progress++;
    }
    assertThat(health.notReady())
        .contains(
            "crash loop: 4 stream-thread failures (Kafka Streams restarts) in the last 300 s",
            "IllegalArgumentException: bad batch 3");
    assertThat(health.unhealthy()).as("alive, only not ready").isNull();

    now = now.plus(Duration.ofMinutes(6));
    assertThat(health.notReady()).as("the loop is over after the window").isNull();
  }

  @Test
  void shouldBeDownWhenStreamsFailedAndNotReadyWhileRebalancing() {
    state.set(KafkaStreams.State.REBALANCING);
    assertThat(health.unhealthy()).isNull();
    assertThat(health.notReady()).isEqualTo("Kafka Streams is REBALANCING");
    state.set(KafkaStreams.State.ERROR);
    assertThat(health.unhealthy()).isEqualTo("Kafka Streams is ERROR");
  }

  @Test
  void shouldStayAliveWhileAFailedClientIsRestarted() {
    health.threadFailed(new IllegalStateException("once"));
    state.set(KafkaStreams.State.ERROR);
    restarting = true;
    assertThat(health.unhealthy())
        .as("the old client is in ERROR, a new one is on its way")
        .isNull();
    progress++;
    assertThat(health.notReady())
        .isEqualTo("Kafka Streams is restarting after a stream thread failed");
    restarting = false;
    state.set(KafkaStreams.State.RUNNING);
    assertThat(health.notReady()).isNull();
  }
}
