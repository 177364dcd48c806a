package io.vaestream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassSpecTest {
  private static final List<String> FOLDER = List.of("good", "hole", "scratch");

  @Test
  void shouldReadClassNumbersRangesAndNames() {
    assertThat(ClassSpec.parse("3")).containsExactly(3);
    assertThat(ClassSpec.parse("0, 2-4")).containsExactly(0, 2, 3, 4);
    assertThat(ClassSpec.parse("all")).isEmpty();
    assertThat(ClassSpec.parse("good", FOLDER)).containsExactly(0);
    assertThat(ClassSpec.parse("Scratch,1", FOLDER)).containsExactly(1, 2);
    // Fashion-MNIST's names hold a hyphen and a slash; a name is matched before a range.
    assertThat(ClassSpec.parse("T-shirt/top", List.of("T-shirt/top", "Trouser")))
        .containsExactly(0);
  }

  /** Folders named by numbers sort as text: 2,3 and 2-3 both mean the folders 2 and 3. */
  @Test
  void shouldReadARangeOfNumberedFoldersByTheirNames() {
    List<String> numbered = List.of("1", "10", "11", "12", "2", "3");
    assertThat(ClassSpec.parse("2,3", numbered)).containsExactly(4, 5);
    assertThat(ClassSpec.parse("2-3", numbered)).containsExactly(4, 5);
    assertThat(ClassSpec.parse("3-10", numbered)).containsExactly(1, 5);
    assertThatThrownBy(() -> ClassSpec.parse("4-9", numbered))
        .hasMessageContaining("range 4-9 names no class of the data: 1, 10, 11, 12, 2, 3");
    assertThat(ClassSpec.parse("1-2", FOLDER)).containsExactly(1, 2);
  }

  @Test
  void shouldNameTheClassesItKnowsWhenOneIsNot() {
    assertThatThrownBy(() -> ClassSpec.parse("goood", FOLDER))
        .hasMessageContaining("'goood' is not a class number")
        .hasMessageContaining("or a class name: good, hole, scratch");
    assertThatThrownBy(() -> ClassSpec.parse("4-2")).hasMessageContaining("is empty");
    assertThatThrownBy(() -> ClassSpec.parse("-3")).hasMessageContaining(">= 0");
  }
}
