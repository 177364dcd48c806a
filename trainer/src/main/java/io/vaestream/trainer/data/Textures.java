package io.vaestream.trainer.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

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
  private static final int SIN_STEPS = 4096;
  private static final double[] SIN = new double[SIN_STEPS + 1];

  static {
    for (int i = 0; i <= SIN_STEPS; i++) {
      SIN[i] = StrictMath.sin(2 * Math.PI * i / SIN_STEPS);
    }
  }

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
    int largest = Math.max(b.train().count(), b.test().count());
    int digits = Math.max(3, String.valueOf(largest).length());
    writeSplit(b.train(), root.resolve("train"), null, digits);
    writeSplit(b.test(), root.resolve("test"), root.resolve("ground_truth"), digits);
    Files.writeString(root.resolve("README.txt"), readme(b), StandardCharsets.UTF_8);
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
  private static int indexInClass(int[] labels, int i) {
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
    new Surface(family, side, new SplittableRandom(imageSeed)).paint(img, off, 0, 0, side, side);
    if (defect != null) {
      Canvas canvas = new Canvas(img, off, mask, maskOff, side);
      Defects.paint(canvas, defect, family, new SplittableRandom(mix(imageSeed, DEFECT_SALT)));
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

  private static void writeSplit(Split s, Path dir, Path truth, int digits) throws IOException {
    int side = s.side();
    int plane = side * side;
    float[] px = s.images();
    int[] rgb = new int[plane];
    byte[] grey = new byte[plane];
    for (int i = 0; i < s.count(); i++) {
      int label = s.labels()[i];
      String name = String.format(Locale.ROOT, "%0" + digits + "d", indexInClass(s.labels(), i));
      int off = i * s.imageSize();
      for (int p = 0; p < plane; p++) {
        rgb[p] = byteOf(px[off + p]) << 16
            | byteOf(px[off + plane + p]) << 8
            | byteOf(px[off + 2 * plane + p]);
      }
      BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
      img.setRGB(0, 0, side, side, rgb, 0, side);
      write(img, dir.resolve(Split.labelName(label)), name + ".png");
      if (label != 0 && truth != null) {
        for (int p = 0; p < plane; p++) {
          grey[p] = s.masks()[i * plane + p] != 0 ? (byte) 255 : 0;
        }
        BufferedImage m = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        m.getRaster().setDataElements(0, 0, side, side, grey);
        write(m, truth.resolve(Split.labelName(label)), name + "_mask.png");
      }
    }
  }

  private static void write(BufferedImage img, Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    if (!ImageIO.write(img, "png", dir.resolve(name).toFile())) {
      throw new IOException("no PNG writer available for " + dir.resolve(name));
    }
  }

  private static int byteOf(float v) {
    return Math.round(v * 255);
  }

  private static String readme(Benchmark b) {
    int[] perLabel = new int[Defect.values().length + 1];
    Arrays.stream(b.test().labels()).forEach(l -> perLabel[l]++);
    StringBuilder sb = new StringBuilder("""
        SYNTHETIC inspection benchmark: procedurally generated textures, not photographs.
        Generator: %s.generate(%s, %d, %d, %d, %d, %dL)
        Family: %s
        Image: %dx%d RGB, 8-bit PNG
        Seed: %d

        Layout (MVTec AD):
          train/good/              %d normal images
          test/good/               %d normal images
        """.formatted(
            Textures.class.getName(),
            b.family(),
            b.side(),
            b.train().count(),
            perLabel[0],
            perLabel[1],
            b.seed(),
            b.family().name().toLowerCase(Locale.ROOT),
            b.side(),
            b.side(),
            b.seed(),
            b.train().count(),
            perLabel[0]));
    for (Defect d : Defect.values()) {
      sb.append(String.format(
          Locale.ROOT,
          "  test/%-19s %d images, masks in ground_truth/%s/%n",
          d.folderName() + "/",
          perLabel[d.label()],
          d.folderName()));
    }
    return sb.append("""

        Masks are 8-bit grey, 255 where the defect changed the image (for soft defects, where its
        blend weight exceeds %s). The same seed gives identical files.
        """.formatted(MASK_ALPHA)).toString();
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

  /** SplitMix64's finaliser over a combination of two values. */
  private static long mix(long a, long b) {
    long z = a + (b + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** {@code sin(2π t)} from a table: fast, and the same on every platform. */
  private static double sinTurns(double t) {
    double f = (t - Math.floor(t)) * SIN_STEPS;
    int i = Math.min((int) f, SIN_STEPS - 1);
    return SIN[i] + (SIN[i + 1] - SIN[i]) * (f - i);
  }

  /** Smooth value noise in [-1, 1], with a hashed random value at each integer lattice point. */
  private static double noise(double x, double y, long salt) {
    double fx = Math.floor(x);
    double fy = Math.floor(y);
    long ix = (long) fx;
    long iy = (long) fy;
    double tx = smooth(x - fx);
    double ty = smooth(y - fy);
    double top = lerp(lattice(ix, iy, salt), lattice(ix + 1, iy, salt), tx);
    double bottom = lerp(lattice(ix, iy + 1, salt), lattice(ix + 1, iy + 1, salt), tx);
    return lerp(top, bottom, ty);
  }

  /** A random value in [-1, 1) fixed by the lattice point and the salt. */
  private static double lattice(long ix, long iy, long salt) {
    return (mix(mix(salt, ix), iy) >>> 11) * 0x1.0p-52 - 1.0;
  }

  private static double smooth(double t) {
    return t * t * (3 - 2 * t);
  }

  private static double smoothstep(double lo, double hi, double x) {
    return smooth(clamp01((x - lo) / (hi - lo)));
  }

  private static double clamp01(double x) {
    return Math.max(0, Math.min(1, x));
  }

  private static double lerp(double a, double b, double t) {
    return a + (b - a) * t;
  }

  /** One image's surface: a family with its own pose, colour and lighting jitter. */
  private static final class Surface {
    private static final double[] WARP = {0.20, 0.28, 0.46};
    private static final double[] WEFT = {0.80, 0.78, 0.72};
    private static final double[] EARLY_WOOD = {0.80, 0.62, 0.42};
    private static final double[] LATE_WOOD = {0.50, 0.32, 0.18};
    private static final double[] STEEL = {0.60, 0.62, 0.65};
    private static final double HALF = DEFAULT_SIDE / 2.0;

    private final Family family;
    private final int side;
    private final double scale;
    private final double cos;
    private final double sin;
    private final double offsetU;
    private final double offsetV;
    private final double[] gain = new double[CHANNELS];
    private final double slopeX;
    private final double slopeY;
    private final long salt;
    private final double phase;

    Surface(Family family, int side, SplittableRandom r) {
      this.family = family;
      this.side = side;
      this.scale = side / (double) DEFAULT_SIDE;
      double angle = Math.toRadians(r.nextDouble(-3, 3));
      this.cos = StrictMath.cos(angle);
      this.sin = StrictMath.sin(angle);
      this.offsetU = r.nextDouble(0, 1000);
      this.offsetV = r.nextDouble(0, 1000);
      double brightness = r.nextDouble(0.95, 1.05);
      for (int c = 0; c < CHANNELS; c++) {
        gain[c] = brightness * r.nextDouble(0.985, 1.015);
      }
      this.slopeX = r.nextDouble(-0.04, 0.04);
      this.slopeY = r.nextDouble(-0.04, 0.04);
      this.salt = r.nextLong();
      this.phase = r.nextDouble();
    }

    /** Paints pixels {@code [x0, x1) × [y0, y1)} of the planar image at {@code off}. */
    void paint(float[] img, int off, int x0, int y0, int x1, int y1) {
      int plane = side * side;
      double[] rgb = new double[CHANNELS];
      for (int y = y0; y < y1; y++) {
        // Coordinates are in pixels of a DEFAULT_SIDE image, so every side shows the same scene.
        double py = (y + 0.5) / scale - HALF;
        for (int x = x0; x < x1; x++) {
          double px = (x + 0.5) / scale - HALF;
          double u = cos * px - sin * py + offsetU;
          double v = sin * px + cos * py + offsetV;
          switch (family) {
            case FABRIC -> fabric(u, v, rgb);
            case WOOD -> wood(u, v, rgb);
            case METAL -> metal(u, v, rgb);
            default -> throw new IllegalStateException(family.name());
          }
          double light = 1 + (slopeX * px + slopeY * py) / HALF;
          int p = off + y * side + x;
          for (int c = 0; c < CHANNELS; c++) {
            img[p + c * plane] = (float) (rgb[c] * gain[c] * light);
          }
        }
      }
    }

    private void fabric(double u, double v, double[] rgb) {
      double cu = u / 5;
      double cv = v / 5;
      double fu = cu - Math.floor(cu);
      double fv = cv - Math.floor(cv);
      // A 2/1 twill: the warp floats over two weft threads and under one, shifted by one thread
      // per row, which reads as diagonal ribs. Soft cell edges keep the rotated weave unaliased.
      double k = softFloor(cu) - softFloor(cv) + phase * 3;
      double m = k - 3 * Math.floor(k / 3);
      double warp = m < 1 ? 1 : m < 2 ? 2 - m : m - 2;
      double warpShade = (0.5 + 0.5 * sinTurns(fu / 2)) * (0.8 + 0.2 * sinTurns(fv / 2));
      double weftShade = (0.5 + 0.5 * sinTurns(fv / 2)) * (0.8 + 0.2 * sinTurns(fu / 2));
      double warpJitter = 1 + 0.05 * lattice((long) Math.floor(cu), 1, salt);
      double weftJitter = 1 + 0.05 * lattice((long) Math.floor(cv), 2, salt);
      double fuzz =
          1 + 0.05 * noise(u / 1.3, v / 1.3, salt + 1) + 0.03 * noise(u / 24, v / 24, salt + 2);
      for (int c = 0; c < CHANNELS; c++) {
        rgb[c] = (warp * WARP[c] * warpShade * warpJitter
                + (1 - warp) * WEFT[c] * weftShade * weftJitter)
            * fuzz;
      }
    }

    /** {@code floor(x)}, but rising smoothly to the next integer over the last fifth of a cell. */
    private static double softFloor(double x) {
      double f = Math.floor(x);
      return f + smoothstep(0.8, 1, x - f);
    }

    private void wood(double u, double v, double[] rgb) {
      // The rings bend slowly across the grain, so they rarely close into islands.
      double bend = 1.4 * noise(u / 90, v / 60, salt) + 0.3 * noise(u / 25, v / 18, salt + 1);
      double ring = 0.5 + 0.5 * sinTurns(v / 9 + bend);
      double late = ring * ring * ring;
      double fibre =
          0.07 * noise(u / 16, v / 0.9, salt + 2) + 0.03 * noise(u / 3, v / 0.6, salt + 3);
      for (int c = 0; c < CHANNELS; c++) {
        rgb[c] = lerp(EARLY_WOOD[c], LATE_WOOD[c], 0.8 * late) * (1 + fibre);
      }
    }

    private void metal(double u, double v, double[] rgb) {
      double streak = 0.06 * noise(u / 40, v / 0.9, salt)
          + 0.04 * noise(u / 120, v / 3, salt + 1)
          + 0.02 * noise(u / 6, v / 0.7, salt + 2);
      double sheen = 0.08 * sinTurns(v / 300 + u / 900 + phase);
      for (int c = 0; c < CHANNELS; c++) {
        rgb[c] = STEEL[c] * (1 + streak + sheen);
      }
    }
  }

  /** The planar image and mask one defect is painted into. */
  private record Canvas(float[] img, int off, byte[] mask, int maskOff, int side) {
    /** Moves pixel (x, y) towards {@code target} by {@code alpha}. */
    void blend(int x, int y, double alpha, double[] target) {
      int p = off + y * side + x;
      for (int c = 0; c < CHANNELS; c++) {
        int i = p + c * side * side;
        img[i] = (float) (img[i] * (1 - alpha) + target[c] * alpha);
      }
      mark(x, y, alpha);
    }

    /** Multiplies pixel (x, y) by {@code tint}, to the degree {@code alpha}. */
    void tint(int x, int y, double alpha, double[] tint) {
      int p = off + y * side + x;
      for (int c = 0; c < CHANNELS; c++) {
        int i = p + c * side * side;
        img[i] = (float) (img[i] * (1 - alpha + alpha * tint[c]));
      }
      mark(x, y, alpha);
    }

    /** Replaces {@code [x0, x1) × [y0, y1)} with {@code surface}. */
    void paste(Surface surface, int x0, int y0, int x1, int y1) {
      surface.paint(img, off, x0, y0, x1, y1);
      for (int y = y0; y < y1; y++) {
        for (int x = x0; x < x1; x++) {
          mark(x, y, 1);
        }
      }
    }

    private void mark(int x, int y, double alpha) {
      if (alpha > MASK_ALPHA) {
        mask[maskOff + y * side + x] = 1;
      }
    }
  }

  /** A roughly round region whose edge wobbles with the angle. */
  private record Blob(
      double cx, double cy, double radius, double a2, double p2, double a3, double p3) {
    static Blob random(SplittableRandom r, int side, double radius, double wobble) {
      double margin = radius * (1 + 2 * wobble) + 3;
      return new Blob(
          r.nextDouble(margin, side - margin),
          r.nextDouble(margin, side - margin),
          radius,
          r.nextDouble(0, wobble),
          r.nextDouble(),
          r.nextDouble(0, wobble),
          r.nextDouble());
    }

    /** Signed distance in pixels from the pixel at (x, y) to the edge, negative inside. */
    double edgeDistance(int x, int y) {
      double dx = x + 0.5 - cx;
      double dy = y + 0.5 - cy;
      double turns = StrictMath.atan2(dy, dx) / (2 * Math.PI);
      double edge = radius * (1 + a2 * sinTurns(2 * turns + p2) + a3 * sinTurns(3 * turns + p3));
      return Math.sqrt(dx * dx + dy * dy) - edge;
    }

    /** The first pixel column or row that may lie within {@code extra} of the edge. */
    int low(double centre, double extra) {
      return Math.max(0, (int) Math.floor(centre - radius * (1 + a2 + a3) - extra));
    }

    int high(double centre, double extra, int side) {
      return Math.min(side, (int) Math.ceil(centre + radius * (1 + a2 + a3) + extra) + 1);
    }
  }

  /** Paints defects; sizes are given for {@link #DEFAULT_SIDE} and scale with the side. */
  private static final class Defects {
    private static final double[] BRIGHT = {0.97, 0.96, 0.93};
    private static final double[] DARK = {0.08, 0.07, 0.06};
    private static final double[] BACKGROUND = {0.03, 0.028, 0.025};
    private static final double[][] TINTS = {
      {0.85, 0.65, 0.42}, // coffee
      {0.95, 0.60, 0.40}, // rust
      {0.70, 0.70, 0.62}, // oil
      {0.72, 0.88, 0.66}, // mould
    };

    private Defects() {}

    static void paint(Canvas c, Defect defect, Family family, SplittableRandom r) {
      double s = c.side() / (double) DEFAULT_SIDE;
      switch (defect) {
        case SCRATCH -> scratch(c, r, s);
        case SPOT -> spot(c, r, s);
        case STAIN -> stain(c, r, s);
        case PATCH -> patch(c, r, family);
        case HOLE -> hole(c, r, s);
        default -> throw new IllegalStateException(defect.name());
      }
    }

    private static void scratch(Canvas c, SplittableRandom r, double s) {
      int side = c.side();
      double half = r.nextDouble(0.2, 0.6) * side / 2;
      double width = Math.max(1, r.nextDouble(1, 3) * s);
      double angle = r.nextDouble();
      double dx = sinTurns(angle + 0.25) * half;
      double dy = sinTurns(angle) * half;
      double cx = r.nextDouble(Math.abs(dx) + 3, side - Math.abs(dx) - 3);
      double cy = r.nextDouble(Math.abs(dy) + 3, side - Math.abs(dy) - 3);
      double bend = r.nextDouble(-0.15, 0.15);
      double[] target = r.nextBoolean() ? BRIGHT : DARK;
      double strength = r.nextDouble(0.7, 0.9);
      // A quadratic Bézier curve through the ends, bent sideways, as a polyline.
      int n = 32;
      double[] px = new double[n + 1];
      double[] py = new double[n + 1];
      for (int i = 0; i <= n; i++) {
        double t = i / (double) n;
        double sideways = 4 * t * (1 - t) * bend;
        px[i] = cx + dx * (2 * t - 1) - dy * sideways;
        py[i] = cy + dy * (2 * t - 1) + dx * sideways;
      }
      double reach = width / 2 + 1;
      int x0 = (int) Math.max(0, Math.floor(Arrays.stream(px).min().orElseThrow() - reach));
      int x1 = (int) Math.min(side, Math.ceil(Arrays.stream(px).max().orElseThrow() + reach));
      int y0 = (int) Math.max(0, Math.floor(Arrays.stream(py).min().orElseThrow() - reach));
      int y1 = (int) Math.min(side, Math.ceil(Arrays.stream(py).max().orElseThrow() + reach));
      for (int y = y0; y < y1; y++) {
        for (int x = x0; x < x1; x++) {
          double d = distanceToPolyline(x + 0.5, y + 0.5, px, py);
          double alpha = strength * clamp01(width / 2 + 0.5 - d);
          if (alpha > 0) {
            c.blend(x, y, alpha, target);
          }
        }
      }
    }

    private static void spot(Canvas c, SplittableRandom r, double s) {
      Blob b = Blob.random(r, c.side(), r.nextDouble(3, 8) * s, 0.15);
      double soft = Math.max(1, 1.2 * s);
      double[] target = r.nextBoolean() ? BRIGHT : DARK;
      double strength = r.nextDouble(0.75, 0.95);
      paintBlob(c, b, soft, (x, y, d) -> {
        double alpha = strength * clamp01(0.5 - d / soft);
        if (alpha > 0) {
          c.blend(x, y, alpha, target);
        }
      });
    }

    private static void stain(Canvas c, SplittableRandom r, double s) {
      Blob b = Blob.random(r, c.side(), r.nextDouble(8, 20) * s, 0.2);
      double[] tint = TINTS[r.nextInt(TINTS.length)];
      double strength = r.nextDouble(0.45, 0.7);
      double fade = 0.5 * b.radius();
      paintBlob(c, b, 0, (x, y, d) -> {
        double alpha = strength * (1 - smoothstep(-fade, 0, d));
        if (alpha > 0) {
          c.tint(x, y, alpha, tint);
        }
      });
    }

    private static void hole(Canvas c, SplittableRandom r, double s) {
      Blob b = Blob.random(r, c.side(), r.nextDouble(5, 12) * s, 0.12);
      double rim = Math.max(1.5, 2.5 * s);
      paintBlob(c, b, rim, (x, y, d) -> {
        // Opaque inside, then a shadow that fades over the rim.
        double alpha = clamp01(Math.max(0.5 - d, 0.6 * (1 - d / rim)));
        if (alpha > 0) {
          c.blend(x, y, alpha, BACKGROUND);
        }
      });
    }

    private static void patch(Canvas c, SplittableRandom r, Family family) {
      int side = c.side();
      int w = (int) Math.round(r.nextDouble(0.10, 0.25) * side);
      int h = (int) Math.round(r.nextDouble(0.10, 0.25) * side);
      int x0 = r.nextInt(1, side - w);
      int y0 = r.nextInt(1, side - h);
      Family[] all = Family.values();
      int pick = r.nextInt(all.length - 1);
      Family other = all[pick >= family.ordinal() ? pick + 1 : pick];
      Surface pasted = new Surface(other, side, new SplittableRandom(r.nextLong()));
      c.paste(pasted, x0, y0, x0 + w, y0 + h);
    }

    private interface PixelPainter {
      void paint(int x, int y, double edgeDistance);
    }

    private static void paintBlob(Canvas c, Blob b, double extra, PixelPainter painter) {
      int side = c.side();
      for (int y = b.low(b.cy(), extra); y < b.high(b.cy(), extra, side); y++) {
        for (int x = b.low(b.cx(), extra); x < b.high(b.cx(), extra, side); x++) {
          painter.paint(x, y, b.edgeDistance(x, y));
        }
      }
    }

    private static double distanceToPolyline(double x, double y, double[] px, double[] py) {
      double best = Double.MAX_VALUE;
      for (int i = 0; i + 1 < px.length; i++) {
        double ax = px[i];
        double ay = py[i];
        double bx = px[i + 1] - ax;
        double by = py[i + 1] - ay;
        double len2 = bx * bx + by * by;
        double t = len2 == 0 ? 0 : clamp01(((x - ax) * bx + (y - ay) * by) / len2);
        double ex = x - ax - t * bx;
        double ey = y - ay - t * by;
        best = Math.min(best, ex * ex + ey * ey);
      }
      return Math.sqrt(best);
    }
  }
}
