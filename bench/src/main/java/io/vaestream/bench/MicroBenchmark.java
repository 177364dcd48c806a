package io.vaestream.bench;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The run length of every JMH benchmark here, which JMH reads from the superclass: 3 × 2 s of
 * warm-up, 5 × 2 s measured, one fork with a 2 GB heap. Options given to {@code ./vaestream jmh}
 * ({@code -wi}, {@code -i}, {@code -f}, ...) override them.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public abstract class MicroBenchmark {}
