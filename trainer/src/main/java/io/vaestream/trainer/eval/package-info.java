/**
 * Evaluation: the one-class protocol over classes and seeds with its baselines (raw-pixel kNN, PCA)
 * measured in the same run, and the inspection (anomaly map) evaluation against a mean-image
 * baseline; each writes a report that starts with the command that reproduces it.
 */
package io.vaestream.trainer.eval;
