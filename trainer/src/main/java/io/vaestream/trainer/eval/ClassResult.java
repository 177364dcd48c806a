package io.vaestream.trainer.eval;

import java.util.Map;

/**
 * The outcome of one (normal class, seed) cell of the one-class protocol, cached as JSON so that
 * an interrupted evaluation resumes where it stopped.
 *
 * @param shipped the model's own score and threshold, as the detector uses them
 * @param vae the VAE's own score alone (blurred reconstruction error, no memory bank), with a
 *     threshold calibrated the same way
 * @param pca the PCA (k = 32) reconstruction-error baseline
 * @param rawKnn the raw-pixel kNN (k = 5, L2) baseline
 * @param protocol how the shipped score was chosen (one-class or semi-supervised)
 * @param validationAuroc semi-supervised only: each candidate's AUROC on validation data
 * @param testAuroc for the report: the test AUROC of each part of the score
 * @param calibrationSize held-out normals the thresholds were set on
 * @param testNormals normal images among the test images (the false-alarm rates' denominator)
 */
public record ClassResult(
    int normalClass,
    String className,
    long seed,
    Detector shipped,
    Detector vae,
    Detector pca,
    Detector rawKnn,
    String chosenScore,
    String protocol,
    Map<String, Double> validationAuroc,
    Map<String, Double> testAuroc,
    int epochs,
    double trainSeconds,
    double examplesPerSecond,
    double scoringImagesPerSecond,
    double totalSeconds,
    int calibrationSize,
    int testNormals,
    String modelSha256) {

  /** How one detector did on the test images. */
  public record Detector(
      double auroc, double auprc, double threshold, double falseAlarmRate, double recall) {}
}
