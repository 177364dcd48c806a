package io.vaestream.schemas;

/** How the raw bytes of an image are laid out. Every format is 8 bits per sample, row-major. */
public enum PixelFormat {
  /** One unsigned byte per pixel. */
  GRAY8(1),
  /** Three unsigned bytes per pixel: red, green, blue. */
  RGB8(3),
  /** Four unsigned bytes per pixel: red, green, blue, alpha (alpha is ignored). */
  RGBA8(4);

  private final int bytesPerPixel;

  PixelFormat(int bytesPerPixel) {
    this.bytesPerPixel = bytesPerPixel;
  }

  public int bytesPerPixel() {
    return bytesPerPixel;
  }
}
