package io.vaestream.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaestream.detector.Detector;
import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.events.AnomalyScore;
import io.vaestream.events.Box;
import io.vaestream.events.Localization;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ModelFormat;
import io.vaestream.trainer.data.Textures;
import io.vaestream.trainer.data.Textures.Defect;
import io.vaestream.trainer.data.Textures.Family;
import io.vaestream.trainer.export.OnnxModelRunner;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A camera user's path: a folder of 128×128 colour normals, some PNG and some JPEG, trains a model
 * that resizes what it is sent; the detector on a real broker scores PNG and JPEG records, of the
 * model's size and twice it, and every flagged record on {@code anomalies} carries its map and
 * boxes, one of which covers the defect painted into it. The model is deliberately tiny (one epoch
 * of a narrow conv VAE) so that CI stays fast; how well a trained model localizes is measured by
 * {@code evaluate-maps} (docs/evaluation/textures).
 */
@Timeout(600)
class ColourInspectionIT {
  private static final int SIDE = 128;

  @TempDir
  Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldTrainOnColourFilesAndBoxTheDefectsOfFlaggedRecords() throws Exception {
    Path normals = Files.createDirectories(dir.resolve("normals/good"));
    for (int i = 0; i < 240; i++) {
      Textures.Sample s = Textures.render(Family.FABRIC, SIDE, null, 1000 + i);
      String format = i % 4 == 0 ? "jpg" : "png";
      ImageIO.write(
          image(s.image(), SIDE), format, normals.resolve(i + "." + format).toFile());
    }
    Path run = dir.resolve("run");
    assertThat(VaestreamApp.commandLine()
            .execute(
                "train",
                "--data",
                normals.getParent().toString(),
                "--arch",
                "conv",
                "--width",
                "4",
                "--latent-dim",
                "16",
                "--epochs",
                "1",
                "--batch-size",
                "32",
                "--resize",
                "resize",
                "--out",
                run.toString()))
        .isZero();
    Path model = run.resolve("model.onnx");
    try (OnnxModelRunner r = OnnxModelRunner.open(Files.readAllBytes(model))) {
      assertThat(r.contract())
          .isEqualTo(new ImageContract(SIDE, SIDE, 3, ImageContract.Resize.RESIZE));
      assertThat(r.metadata()).containsKeys(ModelFormat.PIXEL_THRESHOLD, ModelFormat.PARITY);
    }

    // good and holed surfaces, as PNG and as JPEG, at the model's size and at twice it
    Map<String, byte[]> records = new HashMap<>();
    Map<String, int[]> defects = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      boolean holed = i % 2 == 1;
      Textures.Sample s =
          Textures.render(Family.FABRIC, SIDE, holed ? Defect.HOLE : null, 9000 + i);
      int scale = i % 8 >= 6 ? 2 : 1;
      String format = i % 4 >= 2 ? "jpg" : "png";
      String key = (holed ? "hole-" : "good-") + i + "-" + format + "-x" + scale;
      records.put(key, encode(upscale(image(s.image(), SIDE), scale), format));
      if (holed) {
        defects.put(key, bounds(s.mask(), SIDE, scale));
      }
    }

    LocalPipeline pipeline = LocalPipeline.create();
    Map<String, Object> p = pipeline.detectorConfig(model, dir.resolve("state"));
    Map<String, AnomalyScore> scores = new HashMap<>();
    Map<String, AnomalyScore> flagged = new HashMap<>();
    try (Detector detector = Detector.start(new DetectorConfig(p));
        KafkaProducer<byte[], byte[]> producer = pipeline.producer();
        KafkaConsumer<byte[], byte[]> consumer = pipeline.readCommitted()) {
      records.forEach((key, value) -> producer.send(
          new ProducerRecord<>(pipeline.images(), key.getBytes(StandardCharsets.UTF_8), value)));
      producer.flush();
      consumer.subscribe(List.of(pipeline.scores(), pipeline.anomalies(), pipeline.dlq()));
      await().atMost(Duration.ofSeconds(120)).until(() -> {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          assertThat(r.topic())
              .as("dead letter for %s", new String(r.key(), StandardCharsets.UTF_8))
              .isNotEqualTo(pipeline.dlq());
          AnomalyScore s =
              AvroSerdes.anomalyScore().deserializer().deserialize(r.topic(), r.value());
          (r.topic().equals(pipeline.scores()) ? scores : flagged).put(s.getEventId(), s);
        }
        return scores.size() == records.size()
            && flagged.size()
                == scores.values().stream().filter(AnomalyScore::getIsAnomaly).count();
      });
    }
    assertThat(scores.values()).allSatisfy(s -> assertThat(s.getLocalization()).isNull());
    long holesFlagged = defects.keySet().stream().filter(flagged::containsKey).count();
    System.out.printf(
        "colour inspection: %d of %d holed and %d of %d good records flagged%n",
        holesFlagged,
        defects.size(),
        flagged.size() - holesFlagged,
        records.size() - defects.size());
    assertThat(holesFlagged).as("holed records flagged").isGreaterThanOrEqualTo(defects.size() / 2);
    for (Map.Entry<String, AnomalyScore> e : flagged.entrySet()) {
      Localization loc = e.getValue().getLocalization();
      assertThat(loc).as(e.getKey()).isNotNull();
      int scale = e.getKey().endsWith("x2") ? 2 : 1;
      assertThat(loc.getImageWidth()).isEqualTo(SIDE * scale);
      assertThat(loc.getMapWidth()).isEqualTo(SIDE);
      BufferedImage map =
          ImageIO.read(new java.io.ByteArrayInputStream(loc.getMapPng().array()));
      assertThat(map.getWidth()).isEqualTo(SIDE);
      int[] defect = defects.get(e.getKey());
      if (defect != null) {
        assertThat(loc.getBoxes())
            .as("boxes of %s, defect at %s", e.getKey(), java.util.Arrays.toString(defect))
            .anySatisfy(b -> assertThat(covers(b, defect)).isTrue());
      }
      // What `tail` prints for it: one JSON line, the boxes in it, the PNG left to --maps.
      JsonNode line = JSON.readTree(MapPictures.printable(e.getValue()));
      assertThat(line.path("localization").path("boxes").size())
          .isEqualTo(loc.getBoxes().size());
      assertThat(line.path("localization").path("map_png").asText()).isEmpty();
      assertThat(line.path("event_id").asText()).isEqualTo(e.getKey());
    }
  }

  /** Whether the box holds the centre of the defect's bounding box {x0, y0, x1, y1}. */
  private static boolean covers(Box b, int[] d) {
    int cx = (d[0] + d[2]) / 2;
    int cy = (d[1] + d[3]) / 2;
    return b.getX() <= cx
        && cx < b.getX() + b.getWidth()
        && b.getY() <= cy
        && cy < b.getY() + b.getHeight();
  }

  private static int[] bounds(byte[] mask, int side, int scale) {
    int[] b = {side, side, -1, -1};
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        if (mask[y * side + x] != 0) {
          b[0] = Math.min(b[0], x);
          b[1] = Math.min(b[1], y);
          b[2] = Math.max(b[2], x);
          b[3] = Math.max(b[3], y);
        }
      }
    }
    return new int[] {b[0] * scale, b[1] * scale, b[2] * scale + scale - 1, b[3] * scale + scale - 1
    };
  }

  private static BufferedImage image(float[] chw, int side) {
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    int plane = side * side;
    for (int i = 0; i < plane; i++) {
      int r = Math.round(chw[i] * 255);
      int g = Math.round(chw[plane + i] * 255);
      int b = Math.round(chw[2 * plane + i] * 255);
      img.setRGB(i % side, i / side, r << 16 | g << 8 | b);
    }
    return img;
  }

  private static BufferedImage upscale(BufferedImage img, int scale) {
    if (scale == 1) {
      return img;
    }
    BufferedImage out = new BufferedImage(
        img.getWidth() * scale, img.getHeight() * scale, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < out.getHeight(); y++) {
      for (int x = 0; x < out.getWidth(); x++) {
        out.setRGB(x, y, img.getRGB(x / scale, y / scale));
      }
    }
    return out;
  }

  private static byte[] encode(BufferedImage img, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, format, out);
    return out.toByteArray();
  }
}
