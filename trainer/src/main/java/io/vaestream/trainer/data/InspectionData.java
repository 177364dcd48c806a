package io.vaestream.trainer.data;

import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ImageContractException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * An inspection data set in the MVTec AD layout: normal training images in {@code train/good},
 * test images in {@code test/good} and {@code test/<defect>}, and for every defective test image a
 * mask {@code ground_truth/<defect>/<name>_mask.png} (white where the defect is). Masks go through
 * the same contract as the images, so they stay aligned when the model resizes or crops.
 *
 * @param train the normal training images
 * @param test the test images; the class named {@value #GOOD} is normal
 * @param masks per test image, {@code width × height} bytes (1 = defect), image after image
 */
public record InspectionData(String name, ImageDataset train, ImageDataset test, byte[] masks) {
  /** The class folder of normal images. */
  public static final String GOOD = "good";

  /** Reads {@code root} with the training images under the contract {@code shape} resolves to. */
  public static InspectionData read(Path root, ImageShape shape) throws IOException {
    Path trainDir = root.resolve("train");
    Path testDir = root.resolve("test");
    if (!Files.isDirectory(trainDir) || !Files.isDirectory(testDir)) {
      throw new DataFormatException(
          root,
          "is not in the MVTec AD layout: expected train/good, test/good, "
              + "test/<defect> and ground_truth/<defect>");
    }
    ImageDataset train = ImageFolderReader.read(trainDir, shape);
    ImageContract c = train.contract();
    ImageDataset test = ImageFolderReader.read(testDir, c);
    int good = test.classNames().indexOf(GOOD);
    if (good < 0) {
      throw new DataFormatException(testDir, "has no '" + GOOD + "' folder of normal test images");
    }
    List<Path> files = ImageFolderReader.files(testDir);
    int plane = c.width() * c.height();
    byte[] masks = new byte[test.size() * plane];
    ImageContract grey = new ImageContract(c.width(), c.height(), 1, c.resize());
    for (int i = 0; i < test.size(); i++) {
      if (test.label(i) == good) {
        continue;
      }
      Path f = files.get(i);
      String stem = f.getFileName().toString().replaceFirst("\\.[^.]+$", "");
      Path mask = root.resolve("ground_truth")
          .resolve(f.getParent().getFileName())
          .resolve(stem + "_mask.png");
      if (!Files.isRegularFile(mask)) {
        throw new DataFormatException(
            mask, "is missing: every defective test image needs its mask");
      }
      // masks go through the contract like the images (resized alike), reduced to grey; white is
      // defect
      float[] m = new float[plane];
      try {
        grey.toTensor(ImageFolderReader.decode(mask), m, 0);
      } catch (ImageContractException e) {
        throw new DataFormatException(mask, e.reason() + ": " + e.getMessage(), e);
      }
      for (int p = 0; p < plane; p++) {
        masks[i * plane + p] = (byte) (m[p] >= 0.5f ? 1 : 0);
      }
    }
    return new InspectionData(root.getFileName().toString(), train, test, masks);
  }

  /** The same set with the test images (and their masks) in a seeded random order. */
  public InspectionData shuffled(long seed) {
    int[] order = ImageDataset.shuffledIndices(test.size(), seed);
    ImageContract c = test.contract();
    int plane = c.width() * c.height();
    byte[] m = new byte[masks.length];
    for (int i = 0; i < order.length; i++) {
      System.arraycopy(masks, order[i] * plane, m, i * plane, plane);
    }
    return new InspectionData(name, train, test.select(order, test.description()), m);
  }

  /** The mask of test image {@code i}, {@code width × height} bytes (1 = defect). */
  public byte[] mask(int i) {
    int plane = test.contract().width() * test.contract().height();
    return Arrays.copyOfRange(masks, i * plane, (i + 1) * plane);
  }

  /** Whether test image {@code i} is normal. */
  public boolean isGood(int i) {
    return test.className(test.label(i)).equals(GOOD);
  }
}
