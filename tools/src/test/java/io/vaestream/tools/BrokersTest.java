package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BrokersTest {
  @Test
  void shouldNameTheAddressWhereNoBrokerAnswers() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    assertThatThrownBy(() -> Brokers.requireReachable(address, Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no Kafka broker answered at " + address + " within 2 s; start one "
            + "(./vaestream broker) or give --bootstrap-servers");
  }

  @Test
  void shouldGiveKafkasOwnReasonForAMalformedAddress() {
    assertThatThrownBy(() -> Brokers.requireReachable("localhost", Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot reach Kafka at localhost: ")
        .hasMessageNotContaining("Failed to create new KafkaAdminClient");
  }
}
