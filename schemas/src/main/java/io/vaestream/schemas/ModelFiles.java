package io.vaestream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A model file's checksum, written by the trainer and checked by the detector and {@code info}:
 * SHA-256 in lower-case hex, kept beside the model as {@code MODEL.sha256} in the format of
 * {@code sha256sum} ({@code <hex>  <file name>}), so that {@code sha256sum -c} checks it too.
 */
public final class ModelFiles {
  /** What the checksum file's name adds to the model's. */
  public static final String CHECKSUM_SUFFIX = ".sha256";

  private ModelFiles() {}

  /** SHA-256 of {@code bytes}, lower-case hex. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  /** SHA-256 of the file {@code file}, lower-case hex, read as a stream. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md = digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /**
   * The SHA-256 of {@code model}'s {@code bytes}, which must be {@code want} (null: nothing to check
   * against); {@code wantFrom} is the checksum file that says so, null where {@code want} was given.
   *
   * @throws IllegalArgumentException naming both checksums when they differ
   */
  public static String requireSha256(String model, byte[] bytes, String want, Path wantFrom) {
    String actual = sha256(bytes);
    if (want != null && !want.equalsIgnoreCase(actual)) {
      throw new IllegalArgumentException(model + ": SHA-256 is " + actual + " but "
          + (wantFrom == null ? want + " was expected" : wantFrom + " says " + want)
          + "; the file is corrupt, truncated or not the model you meant");
    }
    return actual;
  }

  /** The checksum file of {@code model}. */
  public static Path checksumFile(Path model) {
    return model.resolveSibling(model.getFileName() + CHECKSUM_SUFFIX);
  }

  /** Writes {@code model}'s checksum file for a model of these bytes. */
  public static void writeChecksum(Path model, byte[] bytes) throws IOException {
    Files.writeString(checksumFile(model), sha256(bytes) + "  " + model.getFileName() + "\n");
  }

  /** The hex checksum recorded beside {@code model}, if there is one. */
  public static Optional<String> readChecksum(Path model) {
    Path file = checksumFile(model);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String hex = Files.readString(file).trim().split("\\s+")[0];
      if (!hex.matches("[0-9a-fA-F]{64}")) {
        throw new IllegalArgumentException(file + ": '" + hex + "' is not a SHA-256 in hex");
      }
      return Optional.of(hex);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
