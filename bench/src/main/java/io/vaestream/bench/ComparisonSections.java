package io.vaestream.bench;

import io.vaestream.bench.BenchResults.BatchRow;
import io.vaestream.bench.BenchResults.ModelRow;
import io.vaestream.bench.BenchResults.ScalingRow;
import io.vaestream.bench.BenchResults.Shadow;
import io.vaestream.detector.config.DetectorConfig;
import java.util.List;
import java.util.Locale;

/**
 * The sections of the bench report that compare one setting with another, each rendered by
 * {@link BenchReport} when it ran: batch size, shadow scoring, model and image size, and scaling
 * over partitions, stream threads and instances.
 */
record ComparisonSections(BenchOptions options, BenchResults results) {
  String batch(List<BatchRow> rows) {
    StringBuilder md = BenchReport.section(
        "Batch size",
        "%s. The scorer alone (no Kafka) and the whole detector "
            + "(`batch.max.size`, %d records preloaded) at each batch size.%n%n",
        results.coreModel(),
        options.records);
    md.append(
        "| batch | scorer images/s | scorer µs/image | detector records/s (steady) |\n|---|---|---|---|\n");
    for (BatchRow b : rows) {
      md.append(String.format(
          Locale.ROOT,
          "| %d | %.0f | %.1f | %.0f |%n",
          b.batch(),
          b.scorerPerSecond(),
          1e6 / b.scorerPerSecond(),
          b.detector().steadyPerSecond()));
    }
    return md.append('\n').toString();
  }

  String shadow(Shadow s) {
    String budget = options.settings.getOrDefault(DetectorConfig.SHADOW_TIME_BUDGET, "0.5");
    StringBuilder md = BenchReport.section(
        "Shadow scoring",
        "%s, batches of %d, %d records preloaded, %d interleaved round(s). The "
            + "shadow model is the live model published again with `--mode shadow`, so it costs as much as the live "
            + "one; its time budget (shadow.time.budget %s; the default is 0.5) lets it spend at most that share of "
            + "the live model's inference time, and a batch that comes while it is busy is skipped.%n%n",
        results.coreModel(),
        options.batch,
        options.records,
        options.repeat,
        budget);
    md.append(BenchReport.runsTable(
        false,
        List.of(
            "detector, no shadow model",
            "detector with a shadow model (shadow.time.budget " + budget + ")"),
        List.of(s.alone(), s.shadowed())));
    md.append(String.format(
        Locale.ROOT,
        "%nLive throughput with a shadow model / without: **%s**. Share of the "
            + "images the shadow model scored: %.0f%% (median over rounds; the rest were over its budget or came while "
            + "it was busy).%n%n",
        BenchReport.ratio(s.shadowed(), s.alone()),
        100 * s.medianCoverage()));
    return md.toString();
  }

  String models(List<ModelRow> rows) {
    StringBuilder md = BenchReport.section(
        "Cost against model and image size",
        "Each model was trained for these runs on Fashion-MNIST class %d (resized "
            + "for 64x64 and 128x128; mlp-28-int8 is the demo model's checkpoint exported with `--quantize int8`, same "
            + "FLOPs in integer arithmetic) and measured like the core section: (a) ceiling, (b) detector with batches "
            + "of %d, (c) one inference call per record, (d) the scorer alone. "
            + "Records per run shrink with the image so "
            + "that each run moves about the same bytes. Steady records/s.%n%n",
        BenchModel.NORMAL_CLASS,
        options.batch);
    md.append(
        "| model | MFLOP/image | record bytes | records | (a) ceiling | (b) detector | (c) per-record "
            + "| (d) scorer, batch " + options.batch
            + " | (d) scorer, batch 1 | detector / ceiling "
            + "| detector / per-record | inference share of (b) |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (ModelRow m : rows) {
      double det = m.detector().steadyPerSecond();
      md.append(String.format(
          Locale.ROOT,
          "| %s | %.1f | %d | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f "
              + "| %.0f%% |%n",
          m.model(),
          m.flopsPerImage() / 1e6,
          m.recordBytes(),
          m.records(),
          m.ceiling().steadyPerSecond(),
          det,
          m.perRecord().steadyPerSecond(),
          m.scorerBatched(),
          m.scorerSingle(),
          det / m.ceiling().steadyPerSecond(),
          det / m.perRecord().steadyPerSecond(),
          100 * Math.min(1, det / m.scorerBatched())));
    }
    md.append(
        "\nInference share of (b) = the detector's rate divided by the batched scorer's: the part of each "
            + "record's time spent in ONNX Runtime.\n\n");
    return md.toString();
  }

  String scaling(List<ScalingRow> rows) {
    double base = rows.get(0).run().steadyPerSecond();
    StringBuilder md = BenchReport.section(
        "Scaling: partitions × stream threads × instances",
        "%s, %d records per run; instances are separate KafkaStreams "
            + "applications of one group in this JVM, each with its own scorer. Stream tasks = partitions, so "
            + "threads × instances beyond the partition count stay idle.%n%n",
        results.coreModel(),
        options.records);
    md.append(
        "| partitions | threads per instance | instances | records/s (steady) | records/s (overall) "
            + "| vs first row |\n|---|---|---|---|---|---|\n");
    for (ScalingRow s : rows) {
      md.append(String.format(
          Locale.ROOT,
          "| %d | %d | %d | %.0f | %.0f | %.2f |%n",
          s.partitions(),
          s.threads(),
          s.instances(),
          s.run().steadyPerSecond(),
          s.run().perSecond(),
          s.run().steadyPerSecond() / base));
    }
    return md.append('\n').toString();
  }
}
