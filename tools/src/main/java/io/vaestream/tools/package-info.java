/**
 * The {@code vaestream} command line beyond training: the demo, {@code produce}, {@code tail},
 * {@code score}, {@code publish}, {@code broker}, and the benchmark harness ({@code bench},
 * {@code soak}, {@code jmh}), which is yet to move into a package of its own (issue #17).
 */
package io.vaestream.tools;
