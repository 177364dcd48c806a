package io.vaestream.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Samples of a Prometheus text exposition, keyed by name and labels as written
 * ({@code jvm_memory_used_bytes{area="heap",id="G1 Eden Space"}}). Enough to read a detector's
 * {@code /metrics} in tools; not a general parser (no timestamps, no escaped braces in labels).
 */
record PrometheusText(Map<String, Double> samples) {

  static PrometheusText parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      if (space > 0) {
        try {
          samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        } catch (NumberFormatException e) {
          // a value Java does not read (never written by Micrometer); skip the sample
        }
      }
    }
    return new PrometheusText(samples);
  }

  /** The sum of every sample of {@code name} whose labels contain {@code labelFilter} (may be empty). */
  double sum(String name, String labelFilter) {
    double total = 0;
    boolean found = false;
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      String key = e.getKey();
      boolean sameName = key.equals(name) || key.startsWith(name + "{");
      if (sameName && key.contains(labelFilter)) {
        total += e.getValue();
        found = true;
      }
    }
    return found ? total : Double.NaN;
  }

  double get(String name) {
    return sum(name, "");
  }
}
