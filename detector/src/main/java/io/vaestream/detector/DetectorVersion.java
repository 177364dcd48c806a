package io.vaestream.detector;

/** The detector's version, from the jar manifest, for dead letters and logs. */
public final class DetectorVersion {
  private DetectorVersion() {}

  public static String get() {
    String v = DetectorVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
