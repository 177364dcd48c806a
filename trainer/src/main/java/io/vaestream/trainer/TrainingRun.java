package io.vaestream.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.ImageShape;
import io.vaestream.trainer.data.PixelCopies;
import io.vaestream.trainer.export.ModelPackager;
import io.vaestream.trainer.model.VaeConfig;
import io.vaestream.trainer.model.VaeModel;
import io.vaestream.trainer.score.MemoryBank;
import io.vaestream.trainer.score.ScoreSelector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One training run's recipe, saved as {@code run.json} beside its checkpoint so that {@code
 * export} and resumed runs rebuild exactly the same splits.
 *
 * @param data the data-set spec given to {@link DataSources#open}
 * @param normalClasses labels treated as normal; empty means every image is normal
 * @param holdout fraction of the normal images held out for calibration (never trained on)
 * @param validationAnomalies labelled anomalies to choose the score with (semi-supervised): {@value
 *     #OTHER_CLASSES} for the other classes of {@code data}, or a data-set spec; null (the default)
 *     for none: the score is then {@code score}, chosen in advance (one-class)
 * @param anomalySample most validation anomalies used
 * @param targetFalseAlarmRate the false-alarm rate the threshold is set for
 * @param score the one-class score
 * @param bankSize most training normals in the memory bank
 * @param config the model and optimiser settings
 * @param input the image contract asked for ({@code --image-size}, {@code --channels}, {@code
 *     --resize}); what it leaves open comes from the images
 * @param dataSha256 {@link ImageDataset#sha256} of every image {@code data} named when the run was
 *     trained; export and resumed runs refuse data that no longer matches it. Null in a recipe not
 *     yet trained, or written before it was kept, and then not checked.
 */
public record TrainingRun(
    String data,
    Set<Integer> normalClasses,
    double holdout,
    String validationAnomalies,
    int anomalySample,
    double targetFalseAlarmRate,
    ScoreSelector.Kind score,
    int bankSize,
    VaeConfig config,
    ImageShape input,
    String dataSha256) {

  /** {@code --validation-anomalies} value for the other classes of the training data. */
  public static final String OTHER_CLASSES = "other-classes";

  /** Defaults of {@code train}'s options, which the demo and the development scripts take too. */
  public static final double DEFAULT_HOLDOUT = 0.1;

  public static final double DEFAULT_TARGET_FAR = 0.01;
  public static final int DEFAULT_ANOMALY_SAMPLE = 1000;

  public static final String FILE = "run.json";
  public static final String CHECKPOINT = "checkpoint";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public TrainingRun {
    normalClasses = Set.copyOf(new TreeSet<>(normalClasses));
    score = score == null ? ScoreSelector.Kind.FUSED : score;
    input = input == null ? ImageShape.AUTO : input;
    bankSize = bankSize == 0 ? ModelPackager.ScoreOptions.DEFAULT_BANK_SIZE : bankSize;
    if (bankSize < MemoryBank.DEFAULT_K) {
      throw new IllegalArgumentException(
          "bank-size=" + bankSize + " is invalid: expected >= " + MemoryBank.DEFAULT_K);
    }
    if (!(holdout > 0 && holdout < 1)) {
      throw new IllegalArgumentException("holdout=" + holdout + " is invalid: expected (0, 1)");
    }
    if (anomalySample < 0) {
      throw new IllegalArgumentException(
          "anomaly-sample=" + anomalySample + " is invalid: expected >= 0");
    }
    if (!(targetFalseAlarmRate > 0 && targetFalseAlarmRate < 1)) {
      throw new IllegalArgumentException(
          "target-far=" + targetFalseAlarmRate + " is invalid: expected (0, 1)");
    }
  }

  /**
   * The recipe {@code train} makes of {@code data}, {@code normalClasses} and {@code config} when
   * no other option is given: one-class, the fused score, {@value #DEFAULT_HOLDOUT} held out and a
   * threshold for {@value #DEFAULT_TARGET_FAR} false alarms, at the images' own size.
   */
  public static TrainingRun defaults(String data, Set<Integer> normalClasses, VaeConfig config) {
    return new TrainingRun(
        data,
        normalClasses,
        DEFAULT_HOLDOUT,
        null,
        DEFAULT_ANOMALY_SAMPLE,
        DEFAULT_TARGET_FAR,
        ScoreSelector.Kind.FUSED,
        0,
        config,
        ImageShape.AUTO,
        null);
  }

  /** This recipe, remembering {@code all} as the data it trains on. */
  public TrainingRun trainedOn(ImageDataset all) {
    return copy(normalClasses, targetFalseAlarmRate, score, all.sha256());
  }

  /** This recipe for other normal classes. */
  public TrainingRun withNormalClasses(Set<Integer> classes) {
    return copy(classes, targetFalseAlarmRate, score, dataSha256);
  }

  /** This recipe calibrated for another false-alarm rate. */
  public TrainingRun withTargetFalseAlarmRate(double rate) {
    return copy(normalClasses, rate, score, dataSha256);
  }

  /** This recipe packaged with another score. */
  public TrainingRun withScore(ScoreSelector.Kind newScore) {
    return copy(normalClasses, targetFalseAlarmRate, newScore, dataSha256);
  }

  /** This recipe but for the settings that callers change after it is written. */
  private TrainingRun copy(
      Set<Integer> classes, double rate, ScoreSelector.Kind newScore, String sha256) {
    return new TrainingRun(
        data,
        classes,
        holdout,
        validationAnomalies,
        anomalySample,
        rate,
        newScore,
        bankSize,
        config,
        input,
        sha256);
  }

  /** The images a run trains on, calibrates on, and chooses its score with. */
  public record Splits(
      ImageDataset train, ImageDataset calibration, ImageDataset anomalies, ImageDataset all) {}

  /**
   * Loads the data and cuts it into the run's splits, the same cut each time; data changed since
   * training is refused: a folder with one image more or less is shuffled anew, and the held-out
   * images that set the threshold would be mostly ones the model trained on.
   */
  public Splits splits() throws IOException {
    ImageDataset all = images();
    if (dataSha256 != null) {
      String now = all.sha256();
      if (!now.equals(dataSha256)) {
        throw new IllegalArgumentException(String.format(
            Locale.ROOT,
            "%s has changed since this run was trained (SHA-256 of its images %.12s…, now "
                + "%.12s…): its held-out images would no longer be ones the model never trained "
                + "on, so the threshold would be too low; restore the data or train afresh",
            data,
            dataSha256,
            now));
      }
    }
    return splits(all);
  }

  /** All the images the recipe names, under the input shape it asks for. */
  public ImageDataset images() throws IOException {
    return DataSources.open(data, input);
  }

  public Splits splits(ImageDataset all) {
    requireImagesOf(normalClasses, all, "normal-classes=" + classesLabel(all));
    ImageDataset normals = normalClasses.isEmpty()
        ? all
        : all.filterLabels(
            normalClasses::contains, all.description() + " classes " + classesLabel(all));
    if (normals.size() < 2) {
      throw new IllegalArgumentException(all.description() + " has " + normals.size()
          + " images of classes " + normalClasses + "; need at least 2");
    }
    ImageDataset[] parts = normals.split(holdout, config.seed() ^ 0x5eedL);
    if (parts[0].isEmpty() || parts[1].isEmpty()) {
      // found before training, not after every epoch has run
      throw new IllegalArgumentException(String.format(
          Locale.ROOT,
          "%d normal images leave %s at holdout %.2f; give at least %d",
          normals.size(),
          parts[0].isEmpty() ? "none held out to calibrate the threshold" : "none to train on",
          holdout,
          (int) Math.ceil(Math.max(2, 1 / Math.min(holdout, 1 - holdout)))));
    }
    // a held-out copy of a training image is at distance 0 from the bank: it pulls the threshold
    // down
    ImageDataset calibration = PixelCopies.without(parts[0], parts[1]);
    if (calibration.isEmpty()) {
      throw new IllegalArgumentException(
          all.description() + ": every held-out image copies one trained on");
    }
    return new Splits(parts[1], calibration, validationAnomalies(all), all);
  }

  /** The labelled anomalies that choose the score: none unless {@link #validationAnomalies} names them. */
  private ImageDataset validationAnomalies(ImageDataset all) {
    if (validationAnomalies == null || validationAnomalies.isBlank()) {
      return all.select(new int[0], "none");
    }
    if (validationAnomalies.equals(OTHER_CLASSES)) {
      if (normalClasses.isEmpty()) {
        throw new IllegalArgumentException(
            "--validation-anomalies other-classes needs --normal-classes: with "
                + "every class normal there are no other classes");
      }
      return all.filterLabels(
              l -> !normalClasses.contains(l), "other classes of " + all.description())
          .sample(anomalySample, config.seed());
    }
    try {
      return DataSources.open(validationAnomalies, all.contract())
          .sample(anomalySample, config.seed());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Fails, naming them and the classes there are, when a class of {@code classes} has no image in
   * {@code data}: a class number past a folder's classes was dropped without a word, or failed
   * after the classes before it had trained.
   */
  public static void requireImagesOf(Set<Integer> classes, ImageDataset data, String what) {
    Set<Integer> present = new TreeSet<>();
    for (int c : data.distinctLabels()) {
      if (c >= 0) {
        present.add(c);
      }
    }
    List<Integer> missing = classes.stream().filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(String.format(
          Locale.ROOT,
          "%s is invalid: %s has no images of class %s; its classes are %s",
          what,
          data.description(),
          missing.stream().map(String::valueOf).collect(Collectors.joining(", ")),
          present.stream()
              .map(c -> c + " (" + data.className(c) + ")")
              .collect(Collectors.joining(", "))));
    }
  }

  /** Human-readable names of the normal classes, e.g. {@code 0 (T-shirt/top)}. */
  public String classesLabel(ImageDataset all) {
    if (normalClasses.isEmpty()) {
      return "all";
    }
    return normalClasses.stream()
        .sorted()
        .map(c -> c + " (" + all.className(c) + ")")
        .collect(Collectors.joining(", "));
  }

  public ModelPackager.PackagedModel packageModel(
      VaeModel model, Splits s, String name, String version) {
    return packageModel(model, s, name, version, ModelPackager.Quantization.NONE);
  }

  public ModelPackager.PackagedModel packageModel(
      VaeModel model,
      Splits s,
      String name,
      String version,
      ModelPackager.Quantization quantization) {
    String source = s.anomalies().isEmpty() ? null : s.anomalies().description();
    return ModelPackager.build(
        model,
        s.train(),
        s.calibration(),
        s.anomalies(),
        new ModelPackager.ScoreOptions(score, bankSize, source),
        targetFalseAlarmRate,
        new ModelPackager.Provenance(name, version, s.train(), classesLabel(s.all())),
        quantization);
  }

  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    JSON.writeValue(dir.resolve(FILE).toFile(), this);
  }

  public static TrainingRun load(Path dir) throws IOException {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new IOException(dir + ": no " + FILE + "; is this a directory written by 'train'?");
    }
    return JSON.readValue(f.toFile(), TrainingRun.class);
  }
}
