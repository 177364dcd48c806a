/**
 * Where a flagged image is anomalous: the model's anomaly map turned into the PNG, boxes and peak
 * that events on the {@code anomalies} topic carry ({@link io.vaestream.detector.localize.Localizer}).
 */
package io.vaestream.detector.localize;
