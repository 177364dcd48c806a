package io.vaestream.detector.localize;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaestream.events.Box;
import io.vaestream.events.Localization;
import io.vaestream.schemas.ImageContract;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class LocalizerTest {
  private static final ImageContract RGB_32 =
      new ImageContract(32, 32, 3, ImageContract.Resize.RESIZE);

  /** A 32 × 32 map, 0.01 everywhere, with hot rectangles {x, y, w, h, value}. */
  private static float[] map(int[]... hot) {
    float[] m = new float[32 * 32];
    Arrays.fill(m, 0.01f);
    for (int[] r : hot) {
      for (int y = r[1]; y < r[1] + r[3]; y++) {
        for (int x = r[0]; x < r[0] + r[2]; x++) {
          m[y * 32 + x] = r[4] / 10f;
        }
      }
    }
    return m;
  }

  @Test
  void shouldBoxEveryRegionAboveThePixelThresholdLargestFirst() {
    Localizer l = new Localizer(RGB_32, 0.1);
    float[] m = map(new int[] {2, 3, 4, 2, 5}, new int[] {20, 20, 6, 5, 3});
    Localization loc = l.localize(m, 0, 32, 32);
    assertThat(loc.getBoxes())
        .extracting(Box::getX, Box::getY, Box::getWidth, Box::getHeight, Box::getArea)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(20, 20, 6, 5, 30),
            org.assertj.core.groups.Tuple.tuple(2, 3, 4, 2, 8));
    assertThat(loc.getPeakX()).isBetween(2, 5);
    assertThat(loc.getPeakY()).isBetween(3, 4);
    assertThat(loc.getPeakValue()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(loc.getMapMax()).isEqualTo(0.2);
  }

  @Test
  void shouldJoinDiagonalNeighboursAndFindNothingInANormalMap() {
    Localizer l = new Localizer(RGB_32, 0.1);
    float[] diagonal =
        map(new int[] {5, 5, 1, 1, 9}, new int[] {6, 6, 1, 1, 9}, new int[] {7, 7, 1, 1, 9});
    assertThat(l.localize(diagonal, 0, 32, 32).getBoxes()).hasSize(1);
    assertThat(l.localize(map(), 0, 32, 32).getBoxes()).isEmpty();
  }

  @Test
  void shouldGiveBoxesInThePixelsOfTheImageAsSent() {
    Localizer l = new Localizer(RGB_32, 0.1);
    // sent at 128 × 64 and resized to 32 × 32: x scales by 4, y by 2
    Localization loc = l.localize(map(new int[] {8, 8, 2, 2, 5}), 0, 128, 64);
    Box b = loc.getBoxes().get(0);
    assertThat(new int[] {b.getX(), b.getY(), b.getWidth(), b.getHeight()})
        .containsExactly(32, 16, 8, 4);
    assertThat(b.getArea()).isEqualTo(4 * 8);
    assertThat(loc.getImageWidth()).isEqualTo(128);
  }

  /**
   * Under crop a map pixel stands for a pixel of the centred region, not of the whole image: the
   * area was the whole image's share, larger than the box itself.
   */
  @Test
  void shouldGiveAreasInTheCroppedRegionsPixels() {
    Localizer l = new Localizer(new ImageContract(32, 32, 1, ImageContract.Resize.CROP), 0.1);
    // sent at 128 × 64: the centred 64 × 64 square is resized, a map pixel is 2 × 2 of it
    Box b = l.localize(map(new int[] {8, 8, 2, 2, 5}), 0, 128, 64).getBoxes().get(0);
    assertThat(new int[] {b.getX(), b.getY(), b.getWidth(), b.getHeight()})
        .containsExactly(48, 16, 4, 4);
    assertThat(b.getArea()).isEqualTo(16);
  }

  /** A NaN first pixel was the peak, whatever followed; NaN pixels elsewhere were passed over. */
  @Test
  void shouldPutThePeakOnTheHighestNumberAndSayWhenThereIsNone() {
    Localizer l = new Localizer(RGB_32, 0.1);
    float[] m = map(new int[] {20, 15, 1, 1, 50});
    m[0] = Float.NaN;
    Localization loc = l.localize(m, 0, 32, 32);
    assertThat(new int[] {loc.getPeakX(), loc.getPeakY()}).containsExactly(20, 15);
    assertThat(loc.getPeakValue()).isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-6));
    float[] nothing = new float[32 * 32];
    Arrays.fill(nothing, Float.NaN);
    assertThat(l.localize(nothing, 0, 32, 32).getPeakValue()).isNaN();
  }

  @Test
  void shouldDrawTheMapAsAGreyPngWithTheThresholdAtHalfScale() throws Exception {
    Localizer l = new Localizer(RGB_32, 0.1);
    Localization loc =
        l.localize(map(new int[] {0, 0, 1, 1, 1}, new int[] {1, 0, 1, 1, 5}), 0, 32, 32);
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(loc.getMapPng().array()));
    assertThat(png.getWidth()).isEqualTo(32);
    assertThat(png.getRaster().getSample(0, 0, 0)).isEqualTo(128); // the threshold itself
    assertThat(png.getRaster().getSample(1, 0, 0)).isEqualTo(255); // clipped
    assertThat(png.getRaster().getSample(5, 5, 0)).isEqualTo(13); // 0.01 of 0.2
  }

  @Test
  void shouldWritePngsThatImageIoReadsBackExactly() throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    // 4 x 13107 and 4 x 26214: image data of exactly one and two full stored blocks (65,535 bytes)
    for (int[] size :
        new int[][] {{1, 1}, {28, 28}, {128, 96}, {300, 7}, {256, 256}, {4, 13107}, {4, 26214}}) {
      byte[] grey = new byte[size[0] * size[1]];
      for (int i = 0; i < grey.length; i++) {
        grey[i] = (byte) (i % 3 == 0 ? r.nextInt(256) : i / size[0]);
      }
      byte[] png = GreyPng.encode(grey, size[0], size[1]);
      assertThat((long) png.length).isEqualTo(GreyPng.size(size[0], size[1]));
      checkChunksAndZlib(png, size[1] * (size[0] + 1));
      BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
      assertThat(back.getWidth()).isEqualTo(size[0]);
      assertThat(back.getHeight()).isEqualTo(size[1]);
      int[] samples = back.getRaster().getSamples(0, 0, size[0], size[1], 0, (int[]) null);
      for (int i = 0; i < grey.length; i++) {
        assertThat(samples[i])
            .as("pixel %d of %dx%d", i, size[0], size[1])
            .isEqualTo(grey[i] & 0xFF);
      }
    }
  }

  /**
   * What ImageIO does not check: every chunk's CRC, and that the IDAT is one complete zlib stream
   * of {@code rawLength} bytes whose Adler-32 holds (the Inflater checks it at the end).
   */
  private static void checkChunksAndZlib(byte[] png, int rawLength) throws Exception {
    ByteBuffer in = ByteBuffer.wrap(png);
    in.position(8);
    byte[] idat = null;
    while (in.hasRemaining()) {
      int length = in.getInt();
      int start = in.position();
      CRC32 crc = new CRC32();
      crc.update(png, start, 4 + length);
      String type = new String(png, start, 4, StandardCharsets.US_ASCII);
      if (type.equals("IDAT")) {
        idat = Arrays.copyOfRange(png, start + 4, start + 4 + length);
      }
      in.position(start + 4 + length);
      assertThat(in.getInt()).as("CRC of %s", type).isEqualTo((int) crc.getValue());
    }
    Inflater inflater = new Inflater();
    inflater.setInput(idat);
    byte[] raw = new byte[rawLength + 1];
    assertThat(inflater.inflate(raw)).isEqualTo(rawLength);
    assertThat(inflater.finished()).isTrue();
    inflater.end();
  }

  /** Thresholds that are floats themselves, or lie at the ends of the float range. */
  private static final double[] EDGES = {
    0.5, 0.1f, 1, 0.0, -0.0, -0.25, 1e-50, -1e-50, 1e-45, 3e38, 3.5e38, 1e300, -1e300
  };

  @Test
  void shouldCutFloatsExactlyWhereTheDoubleThresholdDoes() {
    SplittableRandom r = new SplittableRandom(11);
    for (int trial = 0; trial < 10_000; trial++) {
      double threshold = trial < EDGES.length ? EDGES[trial] : r.nextDouble(1e-6, 10);
      float cut = Runs.floatCut(threshold);
      float nearest = (float) threshold;
      // the floats around the threshold, where widening and rounding could disagree
      for (float v : new float[] {
        Math.nextDown(nearest), nearest, Math.nextUp(nearest), (float) r.nextDouble(0, 10)
      }) {
        assertThat(v > cut).as("%s > %s", v, threshold).isEqualTo(v > threshold);
      }
    }
  }

  @Test
  void shouldFindTheSameRegionsAsAFloodFillOnRandomMaps() {
    ImageContract grey = new ImageContract(29, 23, 1);
    Localizer l = new Localizer(grey, 0.5);
    SplittableRandom r = new SplittableRandom(7);
    for (double share : new double[] {0.05, 0.3, 0.5, 0.7, 0.95}) {
      for (int trial = 0; trial < 40; trial++) {
        float[] m = new float[3 + 29 * 23];
        for (int i = 3; i < m.length; i++) {
          m[i] = r.nextDouble() < share
              ? 0.5f + (float) r.nextDouble()
              : (float) r.nextDouble() * 0.5f;
        }
        assertThat(l.boxes(m, 3, 29, 23))
            .as("share %s, trial %d", share, trial)
            .isEqualTo(floodFill(m, 3, 29, 23, 0.5));
      }
    }
  }

  /** The regions by a plain flood fill (8-neighbours), in the order and form {@link Localizer#boxes} gives. */
  private static List<Box> floodFill(float[] m, int offset, int w, int h, double threshold) {
    int[] seen = new int[w * h];
    List<Box> boxes = new ArrayList<>();
    for (int start = 0; start < w * h; start++) {
      if (seen[start] != 0 || !(m[offset + start] > threshold)) {
        continue;
      }
      int x0 = w;
      int y0 = h;
      int x1 = -1;
      int y1 = -1;
      int count = 0;
      double max = 0;
      ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(start));
      seen[start] = 1;
      while (!todo.isEmpty()) {
        int p = todo.pop();
        int x = p % w;
        int y = p / w;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
        count++;
        max = Math.max(max, m[offset + p]);
        for (int q = 0; q < 9; q++) {
          int nx = x + q % 3 - 1;
          int ny = y + q / 3 - 1;
          if (nx >= 0
              && ny >= 0
              && nx < w
              && ny < h
              && seen[ny * w + nx] == 0
              && m[offset + ny * w + nx] > threshold) {
            seen[ny * w + nx] = 1;
            todo.push(ny * w + nx);
          }
        }
      }
      boxes.add(new Box(x0, y0, x1 - x0 + 1, y1 - y0 + 1, count, max));
    }
    boxes.sort(Comparator.comparingInt(Box::getArea)
        .reversed()
        .thenComparing(Box::getMaxValue, Comparator.reverseOrder()));
    return boxes.size() > Localizer.MAX_BOXES ? boxes.subList(0, Localizer.MAX_BOXES) : boxes;
  }
}
