/**
 * The benchmark harness: {@code bench} (the detector against its ceiling and a per-record
 * baseline, latency, scaling, batch size, shadow scoring), {@code soak} (one detector process
 * under a steady load, watched from outside) and {@code jmh} (the scorer alone, or the localizer
 * alone, under JMH).
 *
 * <p>Callers may use {@link io.vaestream.bench.BenchApp} (the entry point the {@code ./vaestream}
 * launcher starts for these three commands) and the commands themselves; everything else here is
 * package-private machinery. {@code ScorerBenchmark}, {@code LocalizerBenchmark} and their
 * superclass {@code MicroBenchmark} are public only because JMH requires it. The harness
 * measures with the user command line's own sender, consumers and demo models ({@code
 * io.vaestream.tools}); nothing in the pipeline depends on this package.
 */
package io.vaestream.bench;
