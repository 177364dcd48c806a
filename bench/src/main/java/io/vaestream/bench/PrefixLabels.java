package io.vaestream.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Labels for names, by the first rule whose prefix a name starts with, in the order the rules were
 * added: how the profiles tell whose work a sample is, JFR's frames by package ({@link JfrSummary})
 * and perf's threads by name ({@link PerfProfile}). Built once, in a static field.
 */
final class PrefixLabels {
  /** Prefix to label, in the order the rules were added. */
  private final Map<String, String> labels = new LinkedHashMap<>();

  /**
   * A rule: names that start with any of {@code prefixes} get {@code label}, unless an earlier rule
   * matched.
   */
  PrefixLabels add(String label, String... prefixes) {
    for (String prefix : prefixes) {
      labels.putIfAbsent(prefix, label);
    }
    return this;
  }

  /** The label of the first rule {@code name} matches; empty when it matches none. */
  Optional<String> label(String name) {
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (name.startsWith(e.getKey())) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }
}
