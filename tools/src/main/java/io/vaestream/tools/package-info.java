/**
 * The {@code vaestream} command line beyond training: the demo, {@code produce}, {@code tail},
 * {@code score}, {@code publish}, {@code promote} and {@code broker}, with {@link
 * io.vaestream.tools.VaestreamApp} as its entry point.
 *
 * <p>Everything here is package-private but for the entry point and three helpers that the
 * benchmark harness ({@code io.vaestream.bench}, its own module) shares so that it measures what
 * users run: {@link io.vaestream.tools.ImageSender}, {@link io.vaestream.tools.ScoreConsumers} and
 * {@link io.vaestream.tools.DemoModel}.
 */
package io.vaestream.tools;
