package io.vaestream.detector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaestream.detector.scoring.NativeObjects;
import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.schemas.ImageContract;
import org.junit.jupiter.api.Test;

class DetectorMetricsTest {
  @Test
  void shouldExposeMemoryOfTheWholeProcessAndTheOnnxObjectCounts() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DetectorMetrics metrics = new DetectorMetrics(registry);
    NativeObjects objects = new NativeObjects();
    metrics.bindNativeObjects(new Scorer() {
      @Override
      public ImageContract contract() {
        return ImageContract.GRAY_28;
      }

      @Override
      public ScoreBatch score(float[] tensors, int count) {
        throw new UnsupportedOperationException();
      }

      @Override
      public double threshold() {
        return 1;
      }

      @Override
      public String modelName() {
        return "stub";
      }

      @Override
      public String modelVersion() {
        return "1";
      }

      @Override
      public NativeObjects nativeObjects() {
        return objects;
      }

      @Override
      public void close() {}
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
