package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code broker} refuses before it starts Kafka, whose own errors are stack traces. */
class BrokerCommandTest {
  private static String refused(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = VaestreamApp.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute(args)).as(err.toString()).isEqualTo(2);
    return err.toString();
  }

  @Test
  void shouldRefuseBadPartitionsTopicsAndAPortInUseInOneLine() throws Exception {
    assertThat(refused("broker", "--partitions", "0"))
        .contains("partitions=0 is invalid: expected >= 1");
    assertThat(refused("broker", "--topics", "images,bad topic"))
        .contains("topics: ")
        .contains("bad topic");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(refused("broker", "--port", Integer.toString(taken.getLocalPort())))
          .contains("port " + taken.getLocalPort() + " on 127.0.0.1 cannot be used")
          .contains("Give another --port")
          .doesNotContain("\tat ");
    }
  }
}
