package io.vaestream.bench;

import io.vaestream.bench.BenchOptions.Section;
import io.vaestream.bench.BenchResults.BatchRow;
import io.vaestream.bench.BenchResults.Core;
import io.vaestream.bench.BenchResults.LatencyRow;
import io.vaestream.bench.BenchResults.ModelRow;
import io.vaestream.bench.BenchResults.Repeated;
import io.vaestream.bench.BenchResults.Run;
import io.vaestream.bench.BenchResults.ScalingRow;
import io.vaestream.bench.BenchResults.Shadow;
import io.vaestream.bench.TrialRunner.Observed;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.lifecycle.ModelPublisher;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.embedded.EmbeddedKafka;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.tools.ImageSender;
import io.vaestream.trainer.data.ImageDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Runs the sections of {@code bench} that the options ask for, on one embedded broker, and returns
 * what they measured. Every model is trained (or found under models/) before the broker starts,
 * so that training never overlaps a measurement; the JVM is warmed up with unreported runs before
 * the first measured one.
 */
final class BenchRunner {
  private final BenchOptions o;

  BenchRunner(BenchOptions options) {
    this.o = options;
  }

  BenchResults run() throws Exception {
    BenchModel core = BenchModel.named(o.modelName);
    List<BenchModel> compared = o.compareModels.stream().map(BenchModel::named).toList();
    Map<String, Path> models = new HashMap<>();
    for (BenchModel m : o.runs(Section.models) ? union(core, compared) : List.of(core)) {
      models.put(m.name(), m.ensure());
    }
    Path model = models.get(core.name());
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      ImageDataset all = core.testImages(10_000);
      boolean replays = o.runs(Section.core) || o.runs(Section.batch) || o.runs(Section.shadow);
      Sample sample =
          replays || o.flaggedShare != null ? sample(model, all) : new Sample(all, null);
      ImageDataset test = sample.images();
      TrialRunner trials = new TrialRunner(o, kafka, test);
      Core coreRuns = null;
      List<BatchRow> batch = null;
      Shadow shadow = null;
      if (replays) {
        NoopScorer ceilingScorer = sample.ceiling();
        String input = trials.preload("bench-images", o.partitions, test, o.records);
        Profiler.warmUp();
        // The first runs in a fresh JVM are slower (JIT, class loading); warm up before measuring.
        for (int i = 0; i < 2; i++) {
          trials.throughput(
              trial("warm-up, ceiling (not reported)", input, model, () -> ceilingScorer, o.batch));
          trials.throughput(trial("warm-up, detector (not reported)", input, model, o.batch));
        }
        coreRuns =
            o.runs(Section.core) ? core(trials, core, model, test, input, ceilingScorer) : null;
        batch = o.runs(Section.batch) ? batch(trials, model, test, input) : null;
        shadow = o.runs(Section.shadow) ? shadow(trials, model, input) : null;
      }
      List<ModelRow> modelRows = o.runs(Section.models) ? models(trials, compared, models) : null;
      List<ScalingRow> scaling = o.runs(Section.scaling) ? scaling(trials, model, test) : null;
      return new BenchResults(
          Machine.current(), core.describe(), coreRuns, batch, shadow, modelRows, scaling);
    }
  }

  private static List<BenchModel> union(BenchModel core, List<BenchModel> compared) {
    List<BenchModel> all = new ArrayList<>(List.of(core));
    compared.stream().filter(m -> !m.equals(core)).forEach(all::add);
    return all;
  }

  /** A run of the options' {@code records} from {@code input}, on one instance of the options' threads. */
  private Trial trial(String name, String input, Path model, Supplier<Scorer> scorer, int batch) {
    return new Trial(name, input, o.records, model, scorer, batch, o.threads, 1);
  }

  /** The same, scored by the model itself. */
  private Trial trial(String name, String input, Path model, int batch) {
    return trial(name, input, model, () -> TrialRunner.onnx(model), batch);
  }

  private Core core(
      TrialRunner trials,
      BenchModel core,
      Path model,
      ImageDataset test,
      String input,
      NoopScorer ceilingScorer)
      throws Exception {
    // Interleaved rounds, so that a slow spell of the machine hits every kind of run alike.
    List<List<Run>> rounds =
        List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int i = 1; i <= o.repeat; i++) {
      String round = round(i);
      rounds
          .get(0)
          .add(trials.throughput(
              trial("(a) ceiling" + round, input, model, () -> ceilingScorer, o.batch)));
      rounds.get(1).add(trials.throughput(trial("(b) detector" + round, input, model, o.batch)));
      rounds
          .get(2)
          .add(
              trials.throughput(trial("(b') detector, not pipelined" + round, input, model, o.batch)
                  .notPipelined()));
      rounds.get(3).add(trials.throughput(trial("(c) per-record" + round, input, model, 1)));
    }
    // Profiled separately: JFR's own overhead must not lower the measured throughput.
    Path jfr = Files.createDirectories(Path.of("runs", "bench")).resolve("detector.jfr");
    Observed profiled = trials.observe(
        trial("detector, profiled (JFR and perf)", input, model, o.batch).profiledTo(jfr));
    double scorerBatched = ComputeRates.scorer(model, test, o.batch, o.records);
    double scorerSingle = ComputeRates.scorer(model, test, 1, o.records);
    double gflops = ComputeRates.gemmGflops();
    List<LatencyRow> latency = new ArrayList<>();
    for (int commitMs : o.latencyCommitIntervals) {
      // The most a producer on this machine can feed the detector: a backlog's drain rate would
      // overstate it, since the producer then needs its share of the two cores.
      Run max = trials.throughput(
          trial("maximum load, live producer, commit " + commitMs + " ms", null, model, o.batch)
              .withCommitMs(commitMs)
              .sentLive());
      for (double frac : new double[] {0.25, 0.5, 0.9}) {
        latency.add(trials.latency(model, commitMs, max.steadyPerSecond(), frac, test));
      }
    }
    return new Core(
        ceilingScorer.flaggedShare(),
        new Repeated(rounds.get(0)),
        new Repeated(rounds.get(1)),
        new Repeated(rounds.get(2)),
        new Repeated(rounds.get(3)),
        scorerBatched,
        scorerSingle,
        gflops,
        core.flopsPerImage(),
        latency,
        profiled.memory(),
        profiled.nativeProfile(),
        profiled.javaProfile());
  }

  private List<ModelRow> models(
      TrialRunner trials, List<BenchModel> compared, Map<String, Path> models) throws Exception {
    List<ModelRow> rows = new ArrayList<>();
    for (BenchModel m : compared) {
      Path model = models.get(m.name());
      Sample sample = sample(model, m.testImages(o.flaggedShare == null ? 2000 : 10_000));
      ImageDataset images = sample.images();
      NoopScorer ceilingScorer = sample.ceiling();
      // Fewer records for larger images, so that every run moves about the same number of bytes.
      int n = Math.max(2000, (int) ((long) o.records * 784 / m.contract().size()));
      String input = trials.preload("bench-" + m.name(), o.partitions, images, n);
      int bytes = AvroSerdes.encode(ImageSender.event(images, 0, "b-0", null)).length;
      Supplier<Scorer> onnx = () -> TrialRunner.onnx(model);
      Run ceiling = trials.throughput(new Trial(
          m.name() + " (a) ceiling", input, n, model, () -> ceilingScorer, o.batch, o.threads, 1));
      Run detector = trials.throughput(
          new Trial(m.name() + " (b) detector", input, n, model, onnx, o.batch, o.threads, 1));
      Run perRecord = trials.throughput(
          new Trial(m.name() + " (c) per-record", input, n, model, onnx, 1, o.threads, 1));
      rows.add(new ModelRow(
          m.name(),
          m.flopsPerImage(),
          bytes,
          n,
          ceiling,
          detector,
          perRecord,
          ComputeRates.scorer(model, images, o.batch, o.records),
          ComputeRates.scorer(model, images, 1, o.records)));
    }
    return rows;
  }

  private List<ScalingRow> scaling(TrialRunner trials, Path model, ImageDataset test)
      throws Exception {
    List<ScalingRow> rows = new ArrayList<>();
    for (int p : o.scalingPartitions) {
      String input = trials.preload("bench-scale-p" + p, p, test, o.records);
      for (int i : o.scalingInstances) {
        for (int t : o.scalingThreads) {
          Run r = trials.throughput(new Trial(
              p + " partition(s), " + t + " thread(s), " + i + " instance(s)",
              input,
              o.records,
              model,
              () -> TrialRunner.onnx(model),
              o.batch,
              t,
              i));
          rows.add(new ScalingRow(p, t, i, r));
        }
      }
    }
    return rows;
  }

  private List<BatchRow> batch(TrialRunner trials, Path model, ImageDataset test, String input)
      throws Exception {
    List<BatchRow> rows = new ArrayList<>();
    for (int b : o.batchSizes) {
      double scorer = ComputeRates.scorer(model, test, b, o.records);
      rows.add(new BatchRow(
          b, scorer, trials.throughput(trial("detector, batch " + b, input, model, b))));
    }
    return rows;
  }

  /**
   * The live path's throughput with a shadow model (the same model again, so as costly as the live
   * one) against without, in interleaved rounds, under the shadow time budget of the options (default 0.5).
   */
  private Shadow shadow(TrialRunner trials, Path model, String input) throws Exception {
    String topic = "bench-models-" + UUID.randomUUID().toString().substring(0, 8);
    ModelPublisher.publish(
        Map.of(DetectorConfig.BOOTSTRAP_SERVERS, trials.bootstrapServers()),
        topic,
        model,
        ModelPublisher.Role.SHADOW);
    List<Run> alone = new ArrayList<>();
    List<Run> shadowed = new ArrayList<>();
    List<Double> coverage = new ArrayList<>();
    for (int i = 1; i <= o.repeat; i++) {
      alone.add(trials.throughput(trial("detector" + round(i), input, model, o.batch)));
      Observed s = trials.observe(
          trial("detector + shadow model" + round(i), input, model, o.batch).following(topic));
      shadowed.add(s.run());
      coverage.add(s.shadowEvents() / o.records);
    }
    return new Shadow(new Repeated(alone), new Repeated(shadowed), coverage);
  }

  private String round(int i) {
    return o.repeat > 1 ? ", round " + i + "/" + o.repeat : "";
  }

  /** The images a run sends, and the ceiling's scorer, which flags what the model flags among them. */
  private record Sample(ImageDataset images, NoopScorer ceiling) {}

  /**
   * {@code images} as they are or, with {@code --flagged-share}, those that {@code model} does not
   * flag with the ones it flags spread evenly among them to that share; and the ceiling's scorer
   * for them (no inference, but the model's verdicts, so the graph writes the same records). One
   * pass of the model over {@code images} serves both.
   */
  private Sample sample(Path model, ImageDataset images) {
    try (Scorer real = TrialRunner.onnx(model)) {
      boolean[] verdicts = NoopScorer.verdicts(real, images);
      ImageDataset sent = images;
      boolean[] flagged = verdicts;
      if (o.flaggedShare != null) {
        int[] normal =
            IntStream.range(0, verdicts.length).filter(i -> !verdicts[i]).toArray();
        int[] anomalous =
            IntStream.range(0, verdicts.length).filter(i -> verdicts[i]).toArray();
        int[] order = mixed(normal, anomalous, o.flaggedShare);
        if (order == null) {
          throw new IllegalArgumentException(String.format(
              Locale.ROOT,
              "--flagged-share %s: %s flags %d of %s and passes %d, too few for that share",
              o.flaggedShare,
              model.getParent().getFileName(),
              anomalous.length,
              images.description(),
              normal.length));
        }
        sent = images.select(
            order,
            images.description() + ", " + (order.length - normal.length) + " of " + order.length
                + " flagged");
        flagged = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
          flagged[i] = verdicts[order[i]];
        }
      }
      NoopScorer ceiling = NoopScorer.replaying(real.contract(), sent, flagged);
      Log.bench(
          "%s flags %.1f%% of the %d images sent; the ceiling flags the same ones",
          model.getParent().getFileName(), 100 * ceiling.flaggedShare(), sent.size());
      return new Sample(sent, ceiling);
    }
  }

  /**
   * Every one of {@code normal} in order, with as many of {@code anomalous} as make them {@code
   * share} of the whole spread evenly among them; null when there are too few of either.
   */
  static int[] mixed(int[] normal, int[] anomalous, double share) {
    int wanted = (int) Math.round(normal.length * share / (1 - share));
    if (normal.length == 0 || wanted > anomalous.length) {
      return null;
    }
    int[] order = new int[normal.length + wanted];
    for (int at = 0, f = 0, n = 0; at < order.length; at++) {
      // Anomalous f goes where the running count first reaches (f + 1) / wanted of the whole.
      boolean next = f < wanted && (long) (at + 1) * wanted >= (long) (f + 1) * order.length;
      order[at] = next ? anomalous[f++] : normal[n++];
    }
    return order;
  }
}
