package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScoreCommandTest {
  @Test
  void shouldWriteAnImagesFileAsAValidCsvFieldAndJsonMember() throws Exception {
    assertThat(ScoreCommand.fileField("good/007.png", true)).isEqualTo("good/007.png,");
    assertThat(ScoreCommand.fileField("a,b \"c\".png", true)).isEqualTo("\"a,b \"\"c\"\".png\",");
    assertThat(ScoreCommand.fileField("two\nlines.png", true)).isEqualTo("\"two\nlines.png\",");
    assertThat(ScoreCommand.fileField("say \"x\".png", false))
        .isEqualTo("\"file\":\"say \\\"x\\\".png\",");
  }
}
