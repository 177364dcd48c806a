package io.vaestream.trainer.data;

import static io.vaestream.trainer.data.TextureMath.mix;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A synthetic colour inspection benchmark with pixel-exact ground truth, in the spirit of DAGM 2007
 * and the texture categories of MVTec AD. No real inspection data set is available offline, so
 * this stands in for one; it is procedurally generated and says so in every folder it writes.
 *
 * <p>Each {@link Family} is a textured surface whose normals differ only by nuisance jitter: a
 * random offset, a rotation of up to 3°, ±5 % brightness, ±1.5 % per-channel gain, a faint
 * lighting slope and sensor noise. Test images carry one {@link Defect} each, with a mask of the
 * pixels it changed. A defect image is the normal of the same per-image seed with the defect
 * painted on top, and both get the same sensor noise, so {@link #render} with and without the
 * defect shows exactly what the defect did.
 *
 * <p>Every image has its own {@link SplittableRandom}, seeded from the benchmark seed, its class
 * and its index, so an image does not depend on how many others are asked for. The same seed gives
 * bit-identical output on every JVM: sinusoids come from a table built with {@link StrictMath},
 * noise from integer hashing, and Java floating point is strict since Java 17. Values are
 * quantized to {@code k / 255}, so the floats equal what the written PNGs decode to.
 *
 * <p>This class is the generator's entry point and its types; the work is done beside it, in the
 * same package: {@link TextureSurface} paints a family, {@link TextureDefects} paints a defect
 * and its mask, {@link TextureMath} holds the platform-independent noise and sines, and {@link
 * TextureFolderWriter} writes the folder.
 */
public final class Textures {
  /** Colour channels of every image, stored planar: all red, then green, then blue. */
  public static final int CHANNELS = 3;

  /** The side the texture scale and defect sizes are given for; both scale with the side. */
  public static final int DEFAULT_SIDE = 128;

  /** The smallest side accepted. */
  public static final int MIN_SIDE = 32;

  /** The largest side accepted. */
  public static final int MAX_SIDE = 2048;

  /** A soft defect marks a pixel in the mask where its blend weight exceeds this. */
  public static final double MASK_ALPHA = 0.25;

  private static final int TRAIN_STREAM = 0;
  private static final long NOISE_SALT = 0x6E6F697365L;
  private static final long DEFECT_SALT = 0x646566656374L;
  private static final double SENSOR_NOISE = 0.012;

  private Textures() {}

  /** A kind of textured surface. */
  public enum Family {
    /** Denim-like 2/1 twill: indigo warp and off-white weft threads in diagonal ribs. */
    FABRIC,
    /** Planed wood: light and dark growth rings, gently bent, with fine fibres along the grain. */
    WOOD,
    /** Brushed steel: fine streaks along one direction under a broad sheen. */
    METAL
  }

  /**
   * What can be wrong with a surface; never present in training images. Sizes are for a side of
   * {@link #DEFAULT_SIDE} and scale with the side.
   */
  public enum Defect {
    /** A thin, slightly curved bright or dark line, 1–3 px wide and 20–60 % of the side long. */
    SCRATCH,
    /** A small dark or bright blob of radius 3–8 px. */
    SPOT,
    /** A soft-edged blob of radius 8–20 px tinted like coffee, rust, oil or mould. */
    STAIN,
    /** A rectangle of another family's texture, 10–25 % of the side on each edge. */
    PATCH,
    /** A missing, roughly round region of radius 5–12 px: near-black with a shadowed rim. */
    HOLE;

    /** The label of images with this defect: its ordinal + 1, since 0 means good. */
    public int label() {
      return ordinal() + 1;
    }

    /** The lower-case folder name, as MVTec AD spells defect types. */
    public String folderName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One rendered image.
   *
   * @param image {@code 3 × side × side} values in [0, 1], planar R, G, B
   * @param mask {@code side × side} bytes, 1 where the defect changed the image
   */
  public record Sample(float[] image, byte[] mask) {}

  /**
   * Images with labels and masks. The arrays are shared, not copied, and records compare them by
   * reference.
   *
   * @param images {@code count × 3 × side × side} values in [0, 1], image after image, each planar
   * @param count how many images
   * @param side width and height in pixels
   * @param labels 0 for good, {@link Defect#label()} otherwise
   * @param masks {@code count × side × side} bytes, 1 = defect; all zero for good images
   */
  public record Split(float[] images, int count, int side, int[] labels, byte[] masks) {
    /** Values per image. */
    public int imageSize() {
      return CHANNELS * side * side;
    }

    /** The folder name of {@code label}: {@code good} or the defect's. */
    public static String labelName(int label) {
      return label == 0 ? "good" : Defect.values()[label - 1].folderName();
    }
  }

  /**
   * A generated benchmark.
   *
   * @param family the surface
   * @param side width and height in pixels
   * @param seed the seed it was generated from
   * @param train good images only
   * @param test good images first, then each defect in {@link Defect} order
   */
  public record Benchmark(Family family, int side, long seed, Split train, Split test) {}

  /**
   * Generates a benchmark.
   *
   * @param side width and height, {@link #MIN_SIDE} to {@link #MAX_SIDE}
   * @param trainNormals good images to train on
   * @param testNormals good images in the test split
   * @param testPerDefect test images of each {@link Defect}
   * @param seed the seed; the same seed gives the same images
   */
  public static Benchmark generate(
      Family family, int side, int trainNormals, int testNormals, int testPerDefect, long seed) {
    Objects.requireNonNull(family, "family");
    checkSide(side);
    checkCount("trainNormals", trainNormals, side);
    checkCount("testNormals", testNormals, side);
    checkCount("testPerDefect", testPerDefect, side);
    long testCount = testNormals + (long) Defect.values().length * testPerDefect;
    checkCount("the test split", testCount, side);
    int[] testLabels = new int[(int) testCount];
    for (int i = testNormals; i < testLabels.length; i++) {
      testLabels[i] = 1 + (i - testNormals) / testPerDefect;
    }
    Split train = split(family, side, seed, new int[trainNormals], true);
    Split test = split(family, side, seed, testLabels, false);
    return new Benchmark(family, side, seed, train, test);
  }

  /**
   * Renders one image from its own seed: a normal when {@code defect} is null, otherwise the same
   * normal with the defect painted on.
   */
  public static Sample render(Family family, int side, Defect defect, long imageSeed) {
    Objects.requireNonNull(family, "family");
    checkSide(side);
    Sample s = new Sample(new float[CHANNELS * side * side], new byte[side * side]);
    renderInto(family, side, defect, imageSeed, s.image(), 0, s.mask(), 0);
    return s;
  }

  /**
   * Writes {@code b} in the MVTec AD layout that anomalib reads: {@code train/good/000.png}, {@code
   * test/good/…}, {@code test/<defect>/…}, {@code ground_truth/<defect>/000_mask.png} (8-bit grey,
   * 255 = defect) and a {@code README.txt}. Files of the same names are replaced.
   */
  public static void writeFolder(Benchmark b, Path root) throws IOException {
    TextureFolderWriter.write(b, root);
  }

  /** The seed {@link #generate} renders image {@code index} of class {@code label} with. */
  static long imageSeed(long seed, boolean train, int label, int index) {
    return mix(mix(seed, train ? TRAIN_STREAM : 1 + label), index);
  }

  private static Split split(Family family, int side, long seed, int[] labels, boolean train) {
    int plane = side * side;
    float[] images = new float[labels.length * CHANNELS * plane];
    byte[] masks = new byte[labels.length * plane];
    for (int i = 0; i < labels.length; i++) {
      Defect defect = labels[i] == 0 ? null : Defect.values()[labels[i] - 1];
      long imageSeed = imageSeed(seed, train, labels[i], indexInClass(labels, i));
      renderInto(family, side, defect, imageSeed, images, i * CHANNELS * plane, masks, i * plane);
    }
    return new Split(images, labels.length, side, labels, masks);
  }

  /** How many images before {@code i} share its label; labels come grouped. */
  static int indexInClass(int[] labels, int i) {
    int first = i;
    while (first > 0 && labels[first - 1] == labels[i]) {
      first--;
    }
    return i - first;
  }

  private static void renderInto(
      Family family,
      int side,
      Defect defect,
      long imageSeed,
      float[] img,
      int off,
      byte[] mask,
      int maskOff) {
    new TextureSurface(family, side, new SplittableRandom(imageSeed))
        .paint(img, off, 0, 0, side, side);
    if (defect != null) {
      TextureDefects.Canvas canvas = new TextureDefects.Canvas(img, off, mask, maskOff, side);
      TextureDefects.paint(
          canvas, defect, family, new SplittableRandom(mix(imageSeed, DEFECT_SALT)));
    }
    SplittableRandom noise = new SplittableRandom(mix(imageSeed, NOISE_SALT));
    double unit = Math.sqrt(6);
    for (int i = off, end = off + CHANNELS * side * side; i < end; i++) {
      // Triangular noise of unit variance: cheap, and free of platform-dependent logarithms.
      double n = (noise.nextDouble() + noise.nextDouble() - 1) * unit;
      img[i] = quantize(img[i] + SENSOR_NOISE * n);
    }
  }

  /** Clamps to [0, 1] and rounds to the nearest {@code k / 255}, what an 8-bit PNG decodes to. */
  private static float quantize(double v) {
    return Math.round(Math.max(0, Math.min(1, v)) * 255) / 255f;
  }

  private static void checkSide(int side) {
    if (side < MIN_SIDE || side > MAX_SIDE) {
      throw new IllegalArgumentException(
          "side=" + side + " is invalid: expected " + MIN_SIDE + ".." + MAX_SIDE);
    }
  }

  private static void checkCount(String name, long count, int side) {
    if (count < 0) {
      throw new IllegalArgumentException(name + "=" + count + " is invalid: expected 0 or more");
    }
    if (count * CHANNELS * side * side > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(name + "=" + count + " is invalid: that many images of "
          + side + "x" + side + " do not fit in one array");
    }
  }
}
