package io.vaestream.bench;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of {@code soak}, in one typed class: {@link SoakCommand} mixes them in, {@link
 * SoakRunner} runs by them and {@link SoakReport} prints them as the command that reproduces the
 * report.
 */
final class SoakOptions {
  @Option(
      names = "--minutes",
      defaultValue = "30",
      description = "Length of the steady phase (default: ${DEFAULT-VALUE}).")
  double minutes;

  @Option(
      names = "--load",
      defaultValue = "0.5",
      description = "Share of the measured maximum load (default: ${DEFAULT-VALUE}).")
  double load;

  @Option(names = "--rate", description = "Images/s for the steady phase; overrides --load.")
  Double rate;

  @Option(
      names = "--calibration-records",
      defaultValue = "40000",
      description = "Backlog scored first to measure the maximum load (default: ${DEFAULT-VALUE}).")
  int calibrationRecords;

  @Option(
      names = "--sample-seconds",
      defaultValue = "10",
      description = "Default: ${DEFAULT-VALUE}.")
  int sampleSeconds;

  @Option(
      names = "--partitions",
      defaultValue = "1",
      description = "Input partitions (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--guarantee",
      defaultValue = "exactly_once_v2",
      description = "Default: ${DEFAULT-VALUE}.")
  String guarantee;

  @Option(
      names = "--detector-heap",
      defaultValue = "512m",
      description = "The detector's -Xmx (default: ${DEFAULT-VALUE}).")
  String detectorHeap;

  @Option(
      names = "--out",
      defaultValue = "runs/soak/soak.md",
      description = "Report (default: ${DEFAULT-VALUE}).")
  Path out;

  /** The folder of the report, the CSV of samples, the detector's log and its state. */
  Path dir() {
    return out.toAbsolutePath().getParent();
  }
}
