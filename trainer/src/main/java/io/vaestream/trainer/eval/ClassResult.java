package io.vaestream.trainer.eval;

import java.util.Map;

/**
 * The outcome of one (normal class, seed) cell of the one-class protocol, cached as JSON so that
 * an interrupted evaluation resumes where it stopped.
 */
public record ClassResult(
    int normalClass,
    String className,
    long seed,
    Detector vae,
    Detector pca,
    String chosenScore,
    Map<String, Double> validationAuroc,
    Map<String, Double> testAuroc,
    int epochs,
    double trainSeconds,
    double examplesPerSecond,
    double totalSeconds,
    String modelSha256) {

  /** How one detector did on the 10,000 test images. */
  public record Detector(double auroc, double auprc, double threshold, double falseAlarmRate, double recall) {}
}
