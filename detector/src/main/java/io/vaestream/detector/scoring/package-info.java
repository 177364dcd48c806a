/**
 * Scoring with ONNX Runtime: {@link io.vaestream.detector.scoring.OnnxScorer} opens and checks a
 * model ({@link io.vaestream.detector.scoring.ScorerOptions}) and scores batches; {@link
 * io.vaestream.detector.scoring.SwappableScorer} lets a published model take over between batches.
 */
package io.vaestream.detector.scoring;
