/** Plots (PNG) for the evaluation reports. */
package io.vaestream.trainer.report;
