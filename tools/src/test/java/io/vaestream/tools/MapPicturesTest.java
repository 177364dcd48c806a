package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MapPicturesTest {
  @Test
  void shouldNameAPictureByASafeEventIdAsItIs() {
    assertThat(MapPictures.fileName("cam-1_0001.v2")).isEqualTo("cam-1_0001.v2.png");
  }

  @Test
  void shouldGiveIdsThatDifferOnlyInUnsafeCharactersAPictureEach() {
    List<String> names = List.of("cam/1", "cam:1", "cam_1", "cam 1").stream()
        .map(MapPictures::fileName)
        .toList();

    assertThat(names).doesNotHaveDuplicates();
    assertThat(names.get(0)).startsWith("cam_1~").endsWith(".png");
    assertThat(names.get(2)).isEqualTo("cam_1.png");
  }

  @Test
  void shouldKeepTheNameOfALongOrHiddenIdWithinWhatAFileSystemTakes() {
    String longId = "x".repeat(1000);

    assertThat(MapPictures.fileName(longId))
        .hasSizeLessThan(140)
        .isNotEqualTo(MapPictures.fileName(longId + "y"));
    assertThat(MapPictures.fileName("..")).doesNotStartWith(".");
    assertThat(MapPictures.fileName("")).startsWith("~");
  }
}
