package io.vaestream.trainer.data;

import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.RawImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Images already turned into tensors by the {@link ImageContract}, with optional integer labels.
 * Pixels are one flat array, image after image, so that batches copy straight into ND4J and ONNX
 * Runtime buffers.
 */
public final class ImageDataset {
  /** The label of an image whose class is unknown. */
  public static final int NO_LABEL = -1;

  private final ImageContract contract;
  private final float[] pixels;
  private final int[] labels;
  private final List<String> classNames;
  private final String description;
  /** Where each image came from (a file under the data set's folder), or empty where unknown. */
  private final List<String> sources;

  /**
   * @param pixels {@code count × contract.size()} values in [0, 1]
   * @param labels one per image, {@link #NO_LABEL} where unknown
   * @param classNames names of the labels by index; may be empty
   */
  public ImageDataset(
      ImageContract contract,
      float[] pixels,
      int[] labels,
      List<String> classNames,
      String description) {
    this(contract, pixels, labels, classNames, description, List.of());
  }

  private ImageDataset(
      ImageContract contract,
      float[] pixels,
      int[] labels,
      List<String> classNames,
      String description,
      List<String> sources) {
    this.contract = Objects.requireNonNull(contract, "contract");
    this.pixels = Objects.requireNonNull(pixels, "pixels");
    this.labels = Objects.requireNonNull(labels, "labels");
    this.classNames = List.copyOf(classNames);
    this.description = Objects.requireNonNull(description, "description");
    this.sources = List.copyOf(sources);
    if (pixels.length != (long) labels.length * contract.size()) {
      throw new IllegalArgumentException(
          pixels.length + " pixel values do not hold " + labels.length + " images of " + contract);
    }
    if (!this.sources.isEmpty() && this.sources.size() != labels.length) {
      throw new IllegalArgumentException(
          this.sources.size() + " sources for " + labels.length + " images in " + description);
    }
  }

  /** The same images, each named by where it came from (a file), in order. */
  public ImageDataset withSources(List<String> names) {
    return new ImageDataset(contract, pixels, labels, classNames, description, names);
  }

  /** Where image {@code i} came from, such as {@code good/007.png}; null when the data set does not say. */
  public String source(int i) {
    return sources.isEmpty() ? null : sources.get(i);
  }

  public ImageContract contract() {
    return contract;
  }

  public int size() {
    return labels.length;
  }

  public boolean isEmpty() {
    return labels.length == 0;
  }

  public String description() {
    return description;
  }

  public List<String> classNames() {
    return classNames;
  }

  /** The name of a label, or its number when the data set does not name its classes. */
  public String className(int label) {
    return label >= 0 && label < classNames.size()
        ? classNames.get(label)
        : Integer.toString(label);
  }

  /** The backing array; callers must not modify it. */
  public float[] pixels() {
    return pixels;
  }

  public int label(int index) {
    return labels[index];
  }

  public int[] labels() {
    return labels.clone();
  }

  /** A copy of one image tensor. */
  public float[] image(int index) {
    int n = contract.size();
    return Arrays.copyOfRange(pixels, index * n, (index + 1) * n);
  }

  /** The distinct labels present, in ascending order. */
  public int[] distinctLabels() {
    TreeSet<Integer> set = new TreeSet<>();
    for (int l : labels) {
      set.add(l);
    }
    return set.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The images at the given indices, in that order. */
  public ImageDataset select(int[] indices, String newDescription) {
    int n = contract.size();
    float[] p = new float[indices.length * n];
    int[] l = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(pixels, indices[i] * n, p, i * n, n);
      l[i] = labels[indices[i]];
    }
    List<String> src = sources.isEmpty()
        ? List.of()
        : Arrays.stream(indices).mapToObj(sources::get).toList();
    return new ImageDataset(contract, p, l, classNames, newDescription, src);
  }

  /** The images whose label satisfies {@code keep}. */
  public ImageDataset filterLabels(IntPredicate keep, String newDescription) {
    int[] idx = IntStream.range(0, size()).filter(i -> keep.test(labels[i])).toArray();
    return select(idx, newDescription);
  }

  /**
   * The same images, numbered by the class names of {@code reference}: a class both name takes
   * its number there, a class only this one names a number after reference's. Two folders number
   * their classes each from their own sorted names, so {@code good} may be 0 in one and 3 in the
   * other. Unchanged when either does not name its classes (IDX files, whose numbers agree).
   */
  public ImageDataset numberedLike(ImageDataset reference) {
    List<String> ref = reference.classNames;
    if (ref.isEmpty() || classNames.isEmpty() || ref.equals(classNames)) {
      return this;
    }
    List<String> names = new ArrayList<>(ref);
    int[] number = new int[classNames.size()];
    for (int k = 0; k < classNames.size(); k++) {
      int at = names.indexOf(classNames.get(k));
      if (at < 0) {
        names.add(classNames.get(k));
        at = names.size() - 1;
      }
      number[k] = at;
    }
    int[] l = new int[labels.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = labels[i] >= 0 && labels[i] < number.length ? number[labels[i]] : labels[i];
    }
    return new ImageDataset(contract, pixels, l, names, description, sources);
  }

  /** Concatenates two data sets of the same contract. */
  public ImageDataset concat(ImageDataset other, String newDescription) {
    if (!other.contract.equals(contract)) {
      throw new IllegalArgumentException("cannot join " + contract + " and " + other.contract);
    }
    float[] p = Arrays.copyOf(pixels, pixels.length + other.pixels.length);
    System.arraycopy(other.pixels, 0, p, pixels.length, other.pixels.length);
    int[] l = Arrays.copyOf(labels, labels.length + other.labels.length);
    System.arraycopy(other.labels, 0, l, labels.length, other.labels.length);
    List<String> names =
        classNames.size() >= other.classNames.size() ? classNames : other.classNames;
    List<String> src = sources.isEmpty() || other.sources.isEmpty()
        ? List.of()
        : Stream.concat(sources.stream(), other.sources.stream()).toList();
    return new ImageDataset(contract, p, l, names, newDescription, src);
  }

  /**
   * Splits into two disjoint parts after a seeded shuffle; the first part holds {@code fraction}
   * of the images (rounded), the second the rest.
   */
  public ImageDataset[] split(double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("split fraction must be in (0, 1), got " + fraction);
    }
    int[] order = shuffledIndices(size(), seed);
    int cut = (int) Math.round(size() * fraction);
    return new ImageDataset[] {
      select(Arrays.copyOfRange(order, 0, cut), description),
      select(Arrays.copyOfRange(order, cut, order.length), description)
    };
  }

  /**
   * Splits into two disjoint parts, class by class: the first holds {@code fraction} of each
   * label's images (rounded, after a seeded shuffle), the second the rest. Every index lands in
   * exactly one part.
   */
  public ImageDataset[] stratifiedSplit(
      double fraction, long seed, String firstName, String secondName) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("split fraction must be in (0, 1), got " + fraction);
    }
    int[] order = shuffledIndices(size(), seed);
    Map<Integer, List<Integer>> byLabel = new TreeMap<>();
    for (int i : order) {
      byLabel.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
    }
    List<Integer> first = new ArrayList<>();
    List<Integer> second = new ArrayList<>();
    for (List<Integer> idx : byLabel.values()) {
      int cut = (int) Math.round(idx.size() * fraction);
      first.addAll(idx.subList(0, cut));
      second.addAll(idx.subList(cut, idx.size()));
    }
    return new ImageDataset[] {
      select(first.stream().mapToInt(Integer::intValue).sorted().toArray(), firstName),
      select(second.stream().mapToInt(Integer::intValue).sorted().toArray(), secondName)
    };
  }

  /**
   * Every image resampled to {@code width}×{@code height} as a model with the {@code resize} policy
   * resamples what it is sent ({@link #refit}), under a contract that takes that size only. For
   * measuring cost at other image sizes.
   */
  public ImageDataset resized(int width, int height) {
    ImageContract to = new ImageContract(width, height, contract.channels());
    ImageDataset fitted = refit(to.withResize(ImageContract.Resize.RESIZE));
    return new ImageDataset(
        to,
        fitted.pixels,
        labels.clone(),
        classNames,
        description + " resized to " + width + "x" + height,
        sources);
  }

  /**
   * Image {@code i} as the 8-bit pixels a camera would send: {@link PixelFormat#GRAY8} or
   * interleaved {@link PixelFormat#RGB8}, each value rounded to the nearest of 256 levels.
   */
  public RawImage raw(int i) {
    int n = contract.size();
    int plane = contract.width() * contract.height();
    int c = contract.channels();
    byte[] bytes = new byte[n];
    for (int p = 0; p < plane; p++) {
      for (int ch = 0; ch < c; ch++) {
        bytes[p * c + ch] = (byte) Math.round(pixels[i * n + ch * plane + p] * 255);
      }
    }
    return new RawImage(
        c == 1 ? PixelFormat.GRAY8 : PixelFormat.RGB8, contract.width(), contract.height(), bytes);
  }

  /**
   * Every image sent through {@code to} as 8-bit pixels, as if a camera had delivered it: resampled
   * by the contract's policy, reduced to grey or kept in colour. A contract with this data set's
   * tensor shape only takes over the policy; nothing is recomputed.
   */
  public ImageDataset refit(ImageContract to) {
    if (to.sameTensor(contract)) {
      return new ImageDataset(to, pixels, labels, classNames, description, sources);
    }
    float[] out = new float[tensorFloats(description, size(), to)];
    for (int i = 0; i < size(); i++) {
      to.toTensor(raw(i), out, i * to.size());
    }
    return new ImageDataset(
        to, out, labels.clone(), classNames, description + " as " + to, sources);
  }

  /**
   * The floats of {@code count} tensors of {@code contract}; refuses, naming {@code where} and the
   * numbers, what one Java array cannot hold (the product used to wrap round to a negative size)
   * or what is more than the whole heap.
   */
  static int tensorFloats(String where, int count, ImageContract contract) {
    long n = (long) count * contract.size();
    long heap = Runtime.getRuntime().maxMemory();
    if (n > Integer.MAX_VALUE - 8 || n * Float.BYTES > heap) {
      throw new IllegalArgumentException(String.format(
          Locale.ROOT,
          "%s holds %d images: at %s that is %,d values (%,d MB), more than %s; train on fewer "
              + "images or give a smaller --image-size",
          where,
          count,
          contract,
          n,
          n * Float.BYTES >> 20,
          n > Integer.MAX_VALUE - 8
              ? String.format(Locale.ROOT, "one array holds (%,d)", Integer.MAX_VALUE - 8)
              : String.format(
                  Locale.ROOT,
                  "the Java heap (%,d MB; VAESTREAM_JAVA_OPTS=-Xmx… gives more)",
                  heap >> 20)));
    }
    return (int) n;
  }

  /** All images in a seeded random order. */
  public ImageDataset shuffled(long seed) {
    return select(shuffledIndices(size(), seed), description);
  }

  /** A random sample of at most {@code max} images. */
  public ImageDataset sample(int max, long seed) {
    if (max >= size()) {
      return this;
    }
    return select(Arrays.copyOf(shuffledIndices(size(), seed), max), description);
  }

  /** SHA-256 of the pixel values and labels: the training data's identity in model metadata. */
  public String sha256() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      ByteBuffer buf = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : pixels) {
        if (buf.remaining() < Float.BYTES) {
          md.update(buf.flip());
          buf.clear();
        }
        buf.putFloat(v);
      }
      for (int l : labels) {
        if (buf.remaining() < Integer.BYTES) {
          md.update(buf.flip());
          buf.clear();
        }
        buf.putInt(l);
      }
      md.update(buf.flip());
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  static int[] shuffledIndices(int n, long seed) {
    return shuffledIndices(n, new SplittableRandom(seed)::nextInt);
  }

  /**
   * 0 … n−1 in the order of a Fisher–Yates shuffle that draws from {@code nextInt} (a uniform int
   * below its argument), so that every caller's random source gives its own reproducible order.
   */
  public static int[] shuffledIndices(int n, IntUnaryOperator nextInt) {
    int[] order = IntStream.range(0, n).toArray();
    for (int i = n - 1; i > 0; i--) {
      int j = nextInt.applyAsInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  @Override
  public String toString() {
    return description + " (" + size() + " images of " + contract + ")";
  }
}
