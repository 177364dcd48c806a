package io.vaestream.schemas.registry;

/**
 * A schema registry could not give what was asked. {@link Kind#NOT_FOUND} and {@link
 * Kind#INCOMPATIBLE} are answers about the record (its schema id does not exist, or its schema is
 * not one the reader can resolve); the other kinds are about the registry or the way to it, and a
 * record that met them is not a bad record ({@link #isTransient}).
 */
public final class SchemaRegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** The registry answered that the schema id or subject does not exist (HTTP 404). */
    NOT_FOUND,
    /** No registry answered in time, or one answered with a server error (5xx, 429): try again later. */
    UNAVAILABLE,
    /** The registry refused the request: credentials (401, 403) or an invalid schema (409, 422). */
    REFUSED,
    /** The writer schema the registry gave cannot be resolved to the reader's schema. */
    INCOMPATIBLE
  }

  private final Kind kind;

  public SchemaRegistryException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** True when asking again later may succeed: the record is not at fault. */
  public boolean isTransient() {
    return kind == Kind.UNAVAILABLE || kind == Kind.REFUSED;
  }
}
