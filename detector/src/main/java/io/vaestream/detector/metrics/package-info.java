/** Prometheus metrics, the /health and /ready rules, and the HTTP endpoints that serve them. */
package io.vaestream.detector.metrics;
