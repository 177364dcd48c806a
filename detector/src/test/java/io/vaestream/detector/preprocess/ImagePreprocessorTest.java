package io.vaestream.detector.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaestream.detector.testing.Images;
import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.registry.SchemaRegistryClient;
import io.vaestream.schemas.registry.SchemaRegistryException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {
  private final ImagePreprocessor pre = new ImagePreprocessor(ImageContract.GRAY_28, 64 * 1024);

  /** Asserts that {@code decoding} is rejected for {@code reason}; goes on to the exception. */
  private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(
      ThrowingCallable decoding, RejectReason reason) {
    return assertThatThrownBy(decoding)
        .isInstanceOfSatisfying(
            RejectedRecordException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  /** Bytes in the Confluent wire format: magic byte 0, {@code schemaId}, then an Avro body. */
  private static byte[] confluentFramed(int schemaId) {
    return ByteBuffer.allocate(9)
        .put((byte) 0)
        .putInt(schemaId)
        .put(new byte[] {2, 'x', 0, 0})
        .array();
  }

  private static RejectReason reasonOf(Runnable r) {
    try {
      r.run();
    } catch (RejectedRecordException e) {
      return e.reason();
    }
    throw new AssertionError("not rejected");
  }

  @Test
  void shouldDecodeAnAvroEventIntoTheContractTensor() {
    ImageInput in = pre.decode(Images.eventBytes("e1", 9));
    assertThat(in.id()).isEqualTo("e1");
    assertThat(in.format()).isEqualTo(PixelFormat.GRAY8);
    assertThat(in.tensor(ImageContract.GRAY_28)).containsExactly(Images.tensor(9));
    assertThat(in.label()).isEqualTo("3");
    assertThat(in.attributes()).containsEntry("line", "A");
  }

  @Test
  void shouldDecodeAPlainPng() {
    ImageInput in = pre.decode(Images.png(28, 28, BufferedImage.TYPE_BYTE_GRAY));
    assertThat(in.id()).isNull();
    assertThat(in.format()).isEqualTo(PixelFormat.GRAY8);
    assertThat(in.pixels()).hasSize(784);
    assertThat(in.tensor(ImageContract.GRAY_28)).hasSize(784);
  }

  @Test
  void shouldDecodeAPlainJpegGreyOrColour() {
    ImageInput grey = pre.decode(Images.jpeg(28, 28, BufferedImage.TYPE_BYTE_GRAY));
    assertThat(grey.id()).isNull();
    assertThat(grey.format()).isEqualTo(io.vaestream.events.PixelFormat.GRAY8);
    ImageInput colour = pre.decode(Images.jpeg(28, 28, BufferedImage.TYPE_3BYTE_BGR));
    assertThat(colour.format()).isEqualTo(io.vaestream.events.PixelFormat.RGB8);
  }

  @Test
  void shouldRejectBadJpegsWithTheirOwnReason() {
    byte[] jpeg = Images.jpeg(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    assertThat(reasonOf(() -> pre.decode(Images.jpeg(100, 100, BufferedImage.TYPE_BYTE_GRAY))))
        .isEqualTo(RejectReason.WRONG_DIMENSIONS);
    assertThat(reasonOf(() -> pre.decode(Arrays.copyOf(jpeg, 30))))
        .isEqualTo(RejectReason.BAD_JPEG);
    assertThat(
            reasonOf(() -> pre.decode(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 1, 2})))
        .isEqualTo(RejectReason.BAD_JPEG);
  }

  @Test
  void shouldReduceAColourPngToLumaLikeAColourEvent() throws Exception {
    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0xFF0000);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "png", png);
    ImageInput in = pre.decode(png.toByteArray());
    assertThat(in.format()).isEqualTo(PixelFormat.RGB8);
    assertThat(in.pixels()).hasSize(3 * 784);
    float[] t = in.tensor(ImageContract.GRAY_28);
    assertThat(t[0])
        .as("pure red in BT.601 luma")
        .isCloseTo(0.299f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(t[1]).isZero();
  }

  @Test
  void shouldRejectEachKindOfBadRecordWithItsOwnReason() {
    byte[] good = Images.eventBytes("e", 1);
    assertThat(reasonOf(() -> pre.decode(null))).isEqualTo(RejectReason.EMPTY_VALUE);
    assertThat(reasonOf(() -> pre.decode(new byte[0]))).isEqualTo(RejectReason.EMPTY_VALUE);
    assertThat(reasonOf(() -> pre.decode(new byte[65 * 1024]))).isEqualTo(RejectReason.TOO_LARGE);
    assertThat(reasonOf(() -> pre.decode("hello".getBytes())))
        .isEqualTo(RejectReason.UNKNOWN_FORMAT);
    assertThat(reasonOf(() -> pre.decode(Arrays.copyOf(good, good.length / 2))))
        .isEqualTo(RejectReason.BAD_AVRO);
    byte[] otherSchema = good.clone();
    otherSchema[5] ^= 0x55;
    assertThat(reasonOf(() -> pre.decode(otherSchema))).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
    assertThat(reasonOf(() -> pre.decode(event(Images.gray(1), 27, 29, PixelFormat.GRAY8, 1))))
        .isEqualTo(RejectReason.WRONG_DIMENSIONS);
    assertThat(reasonOf(() -> pre.decode(event(new byte[784 * 3], 28, 28, PixelFormat.RGB8, 1))))
        .isEqualTo(RejectReason.WRONG_CHANNELS);
    assertThat(reasonOf(() -> pre.decode(event(new byte[700], 28, 28, PixelFormat.GRAY8, 1))))
        .isEqualTo(RejectReason.SIZE_MISMATCH);
    assertThat(
            reasonOf(() -> pre.decode(event(floats(Float.NaN), 28, 28, PixelFormat.GRAY_F32, 1))))
        .isEqualTo(RejectReason.NON_FINITE);
    assertThat(reasonOf(() ->
            pre.decode(event(floats(Float.POSITIVE_INFINITY), 28, 28, PixelFormat.GRAY_F32, 1))))
        .isEqualTo(RejectReason.NON_FINITE);
    assertThat(reasonOf(() -> pre.decode(event(floats(2f), 28, 28, PixelFormat.GRAY_F32, 1))))
        .isEqualTo(RejectReason.OUT_OF_RANGE);
    byte[] rgb16 = Images.png(28, 28, BufferedImage.TYPE_INT_RGB);
    rgb16[24] = 16; // IHDR's bit depth
    assertThat(reasonOf(() -> pre.decode(rgb16))).isEqualTo(RejectReason.UNSUPPORTED_PNG);
    byte[] png = Images.png(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    assertThat(reasonOf(() -> pre.decode(Arrays.copyOf(png, 40)))).isEqualTo(RejectReason.BAD_PNG);
  }

  @Test
  void shouldRejectADecompressionBombFromItsHeaderAlone() {
    byte[] png = Images.png(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    ByteBuffer.wrap(png, 16, 8).putInt(100_000).putInt(100_000);
    assertRejected(() -> pre.decode(png), RejectReason.WRONG_DIMENSIONS)
        .hasMessageContaining("100000x100000");
  }

  private static byte[] event(byte[] px, int w, int h, PixelFormat f, int channels) {
    return AvroSerdes.encode(Images.event("bad", px, w, h, f, channels));
  }

  private static byte[] floats(float poison) {
    ByteBuffer b = ByteBuffer.allocate(784 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 784; i++) {
      b.putFloat(i == 100 ? poison : 0.5f);
    }
    return b.array();
  }

  @Test
  void shouldResampleOtherSizesToAModelThatResizesAndKeepTheSentSize() {
    ImagePreprocessor colour = new ImagePreprocessor(
        new ImageContract(32, 32, 3, ImageContract.Resize.CROP), 4 * 1024 * 1024);
    ImageInput png = colour.decode(Images.png(64, 48, BufferedImage.TYPE_INT_RGB));
    assertThat(png.format()).isEqualTo(PixelFormat.RGB8);
    assertThat(png.pixels()).hasSize(32 * 32 * 3);
    assertThat(png.sourceWidth()).isEqualTo(64);
    assertThat(png.sourceHeight()).isEqualTo(48);
    ImageInput jpeg = colour.decode(Images.jpeg(640, 480, BufferedImage.TYPE_3BYTE_BGR));
    assertThat(jpeg.pixels()).hasSize(32 * 32 * 3);
    assertThat(jpeg.sourceWidth()).isEqualTo(640);
    ImageInput grey16 = pre.decode(Images.png(28, 28, BufferedImage.TYPE_USHORT_GRAY));
    assertThat(grey16.format()).as("16-bit grey, as cameras write it").isEqualTo(PixelFormat.GRAY8);
    ImageInput grey = colour.decode(Images.png(64, 48, BufferedImage.TYPE_BYTE_GRAY));
    assertThat(grey.format())
        .as("kept grey, repeated into the channels")
        .isEqualTo(PixelFormat.GRAY8);
    assertThat(grey.tensor(colour.contract())).hasSize(32 * 32 * 3);
  }

  @Test
  void shouldRejectAHugeDeclaredSizeBeforeDecodingEvenWhenResizing() {
    ImagePreprocessor resizing = new ImagePreprocessor(
        new ImageContract(32, 32, 3, ImageContract.Resize.RESIZE), 4 * 1024 * 1024);
    byte[] png = Images.png(64, 48, BufferedImage.TYPE_INT_RGB);
    ByteBuffer.wrap(png, 16, 8).putInt(100_000).putInt(100_000); // IHDR width and height
    assertRejected(() -> resizing.decode(png), RejectReason.WRONG_DIMENSIONS)
        .hasMessageContaining("100000x100000");
  }

  @Test
  void shouldNameTheRegistryFramingsItCannotRead() {
    byte[] confluent = confluentFramed(42);
    assertRejected(() -> pre.decode(confluent), RejectReason.NO_SCHEMA_REGISTRY)
        .hasMessageContaining(
            "Confluent wire format (schema id 42) but the detector has no schema.registry.url");
    byte[] otherMagic = {1, 0, 0, 0, 42, 2, 'x'};
    assertRejected(() -> pre.decode(otherMagic), RejectReason.UNSUPPORTED_FRAMING)
        .hasMessageContaining("magic byte 01");
    RecordHeaders headers = new RecordHeaders();
    headers.add("apicurio.value.globalId", new byte[8]);
    byte[] bareAvro = {2, 'x', 4, 'y', 'z'};
    assertRejected(() -> pre.decode(bareAvro, headers), RejectReason.UNSUPPORTED_FRAMING)
        .hasMessageContaining("header apicurio.value.globalId");
    assertThatThrownBy(() -> pre.decode(bareAvro))
        .as("without the header, a low first byte reads as a framing")
        .hasMessageContaining("magic byte 02");
    assertThat(reasonOf(() -> pre.decode("hello, world".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo(RejectReason.UNKNOWN_FORMAT);
  }

  @Test
  void shouldHoldAConfluentRecordWhileTheRegistryDoesNotAnswer() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    ImagePreprocessor withRegistry = new ImagePreprocessor(
        ImageContract.GRAY_28,
        64 * 1024,
        SchemaRegistryClient.create(Map.of(
            SchemaRegistryClient.URL,
            "http://127.0.0.1:" + closed,
            SchemaRegistryClient.REQUEST_TIMEOUT_MS,
            "2000")));
    byte[] confluent = confluentFramed(42);
    assertThatThrownBy(() -> withRegistry.decode(confluent))
        .as("not the record's fault: not a rejection")
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.isTransient()).isTrue());
    assertThat(withRegistry.decode(Images.eventBytes("e1", 9)).id())
        .as("single-object needs no registry")
        .isEqualTo("e1");
  }
}
