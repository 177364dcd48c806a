package io.vaestream.detector.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventTextTest {
  private static final String[] PIECES = {"a", "ü", "€", "\uD83D\uDCF7", "\uD800", "\n"};

  private static String random(Random r, int pieces) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pieces; i++) {
      sb.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  @Test
  void shouldCountUtf8BytesAsTheEncoderWritesThemForWellFormedText() {
    Random r = new Random(3);
    for (int i = 0; i < 500; i++) {
      String s = random(r, r.nextInt(40)).replace("\uD800", "x"); // well-formed only
      assertThat(EventText.utf8Length(s))
          .as(s)
          .isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void shouldClipToTheByteLimitWithoutSplittingACharacter() {
    Random r = new Random(5);
    for (int i = 0; i < 500; i++) {
      String s = random(r, r.nextInt(60));
      int limit = 4 + r.nextInt(40);
      String c = EventText.clip(s, limit);
      assertThat(EventText.utf8Length(c)).as(s).isLessThanOrEqualTo(Math.max(limit, 0));
      if (EventText.utf8Length(s) <= limit) {
        assertThat(c).isEqualTo(s);
      } else {
        assertThat(c).endsWith("…");
        String kept = c.substring(0, c.length() - 1);
        assertThat(s).startsWith(kept);
        assertThat(Character.isLowSurrogate(s.charAt(kept.length())))
            .as("no half of a surrogate pair at the cut of %s", s)
            .isFalse();
      }
    }
    assertThat(EventText.clip(null, 10)).isNull();
  }

  @Test
  void shouldNameTheFieldThatIsTooLarge() {
    String big = "é".repeat(EventText.MAX_TEXT_BYTES / 2 + 1); // one pair over the limit
    assertThatThrownBy(() -> EventText.check("id", big, null, Map.of()))
        .isInstanceOfSatisfying(RejectedRecordException.class, e -> {
          assertThat(e.reason()).isEqualTo(RejectReason.METADATA_TOO_LARGE);
          assertThat(e.eventId()).isEqualTo("id");
        })
        .hasMessageContaining("ImageEvent.source is 4,098 bytes");
    assertThatThrownBy(() -> EventText.check(big, "cam", null, Map.of()))
        .isInstanceOfSatisfying(
            RejectedRecordException.class,
            e -> assertThat(e.eventId()).as("the id is what is too long").isNull())
        .hasMessageContaining("ImageEvent.id");
    assertThatThrownBy(() -> EventText.check(
            "id", "cam", null, Map.of("a", "x".repeat(40_000), "b", "y".repeat(30_000))))
        .hasMessageContaining("attributes take 70,022 bytes, 40,011 of them in \"a\"");
    // many tiny entries: Avro's lengths count too
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 6000; i++) {
      many.put(Integer.toString(i), "v");
    }
    assertThatThrownBy(() -> EventText.check("id", "cam", null, many))
        .hasMessageContaining("attributes take");
    // exactly at the limits: accepted
    EventText.check(
        "x".repeat(EventText.MAX_TEXT_BYTES),
        "",
        null,
        Map.of("k", "v".repeat(EventText.MAX_ATTRIBUTES_BYTES - 1 - EventText.ENTRY_BYTES)));
    assertThat(EventText.checkKey(new byte[EventText.MAX_TEXT_BYTES])).hasSize(4096);
    assertThatThrownBy(() -> EventText.checkKey(new byte[EventText.MAX_TEXT_BYTES + 1]))
        .hasMessageContaining("the record key is 4,097 bytes");
  }
}
