/**
 * The Kafka Streams graph ({@link io.vaestream.detector.topology.DetectorTopology}): images read
 * and checked, micro-batched in a changelogged store, scored, and written as scores and anomalies,
 * in the wire formats of {@link io.vaestream.detector.topology.EventFormats}.
 */
package io.vaestream.detector.topology;
