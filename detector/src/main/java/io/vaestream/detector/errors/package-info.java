/**
 * Bad records and dead letters, through Kafka Streams' handler interfaces: every record the
 * detector cannot read goes to the dead-letter topic with a stable reason, sized so that it is
 * always written; a dead letter that still fails is remembered and retried smaller.
 */
package io.vaestream.detector.errors;
