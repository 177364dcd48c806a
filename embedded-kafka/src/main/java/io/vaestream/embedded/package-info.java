/**
 * A single-node KRaft broker in the JVM ({@link io.vaestream.embedded.EmbeddedKafka}), for the demo,
 * the benchmarks and the tests where no Docker engine runs. Not for production.
 */
package io.vaestream.embedded;
