package io.vaestream.bench;

import org.HdrHistogram.Histogram;

/**
 * Latency quantiles in milliseconds, kept from a histogram once its run is over: what the reports
 * print and the tests check, without the histogram itself.
 *
 * @param count values recorded; 0 means there was nothing to measure
 */
record Quantiles(long p50, long p99, long max, long count) {
  static Quantiles of(Histogram h) {
    return new Quantiles(
        h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue(), h.getTotalCount());
  }
}
