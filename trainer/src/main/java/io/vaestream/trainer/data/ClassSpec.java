package io.vaestream.trainer.data;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The classes a {@code --normal-classes} value names: numbers, lists and ranges of them, or the
 * data set's own class names.
 */
public final class ClassSpec {
  private ClassSpec() {}

  /** Parses {@code "3"}, {@code "0,1,2"} or {@code "0-4"}. */
  public static Set<Integer> parse(String spec) {
    return parse(spec, List.of());
  }

  /**
   * Parses {@code "3"}, {@code "0,1,2"}, {@code "0-4"} or class names as the data set calls them
   * ({@code "good"} for a folder's sub-folder, {@code "Shirt"} for Fashion-MNIST), mixed at will;
   * names match {@code classNames} (the label is the index), ignoring case.
   */
  public static Set<Integer> parse(String spec, List<String> classNames) {
    if (spec == null || spec.isBlank() || spec.equalsIgnoreCase("all")) {
      return Set.of();
    }
    Set<Integer> out = new TreeSet<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      int named = indexIgnoringCase(classNames, p);
      if (named >= 0) {
        out.add(named);
        continue;
      }
      try {
        if (p.matches("\\d+\\s*-\\s*\\d+")) {
          String[] ab = p.split("-", 2);
          int lo = Integer.parseInt(ab[0].trim());
          int hi = Integer.parseInt(ab[1].trim());
          if (lo > hi) {
            throw new IllegalArgumentException("normal-classes range " + p + " is empty");
          }
          out.addAll(range(lo, hi, classNames));
        } else {
          out.add(Integer.parseInt(p));
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "normal-classes=" + spec + " is invalid: '" + p
                + "' is not a class number (use 3, 0,1,2 or 0-4)"
                + (classNames.isEmpty()
                    ? ""
                    : " or a class name: " + String.join(", ", classNames)),
            e);
      }
    }
    if (out.stream().anyMatch(c -> c < 0)) {
      throw new IllegalArgumentException(
          "normal-classes=" + spec + " is invalid: class numbers are >= 0");
    }
    return out;
  }

  /**
   * The classes of range {@code lo}-{@code hi}: where the data names every class by a number (folders
   * 1 to 12, numbered 0 to 11 in their sorted order 1, 10, 11, 12, 2, …), the classes of those
   * names, as a single number is read by name first; otherwise the class numbers themselves.
   */
  private static Set<Integer> range(int lo, int hi, List<String> classNames) {
    Set<Integer> out = new TreeSet<>();
    boolean numbered =
        !classNames.isEmpty() && classNames.stream().allMatch(n -> n.matches("\\d{1,9}"));
    if (!numbered) {
      for (int i = lo; i <= hi; i++) {
        out.add(i);
      }
      return out;
    }
    for (int i = 0; i < classNames.size(); i++) {
      int value = Integer.parseInt(classNames.get(i));
      if (value >= lo && value <= hi) {
        out.add(i);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("normal-classes range " + lo + "-" + hi
          + " names no class of the data: " + String.join(", ", classNames));
    }
    return out;
  }

  private static int indexIgnoringCase(List<String> names, String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }
}
