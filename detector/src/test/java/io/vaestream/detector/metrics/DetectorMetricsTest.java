package io.vaestream.detector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaestream.detector.scoring.NativeObjects;
import io.vaestream.detector.testing.StubScorer;
import io.vaestream.schemas.ImageContract;
import org.junit.jupiter.api.Test;

class DetectorMetricsTest {
  @Test
  void shouldExposeMemoryOfTheWholeProcessAndTheOnnxObjectCounts() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DetectorMetrics metrics = new DetectorMetrics(registry);
    NativeObjects objects = new NativeObjects();
    metrics.bindNativeObjects(new StubScorer(ImageContract.GRAY_28) {
      @Override
      public NativeObjects nativeObjects() {
        return objects;
      }
    });
    try (AutoCloseable ignored = metrics.bindProcessMetrics()) {
      String scrape = registry.scrape();
      assertThat(scrape)
          .contains(
              "jvm_memory_used_bytes{area=\"heap\"",
              "jvm_gc_live_data_size_bytes",
              "jvm_buffer_memory_used_bytes{id=\"direct\"}",
              "process_cpu_usage",
              "vaestream_onnx_objects_open 0.0",
              "vaestream_onnx_objects_allocated_total 0.0");
      assertThat(DetectorMetrics.residentBytes()).as("VmRSS of this JVM").isGreaterThan(10e6);
      assertThat(scrape).containsPattern("process_resident_memory_bytes [1-9]");
    }
  }
}
