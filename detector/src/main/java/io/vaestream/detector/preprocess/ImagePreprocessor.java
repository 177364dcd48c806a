package io.vaestream.detector.preprocess;

import io.vaestream.events.ImageEvent;
import io.vaestream.events.PixelFormat;
import io.vaestream.schemas.AvroSerdes;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ImageContractException;
import io.vaestream.schemas.RawImage;
import io.vaestream.schemas.registry.RegistryAvro;
import io.vaestream.schemas.registry.SchemaRegistryClient;
import io.vaestream.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns a record value into model input: an Avro {@link ImageEvent} (single-object encoding, or the
 * Confluent wire format when a schema registry is configured), a plain PNG file or a plain JPEG
 * file, told apart by their magic bytes. A registry that cannot be reached is not the record's
 * fault: its {@link SchemaRegistryException} is thrown as it is, and the record is read again
 * later. Everything a hostile producer controls is
 * checked before it is used: the record size, the declared dimensions (against the contract,
 * before any pixel is decoded, so a PNG or JPEG that declares 100000×100000 pixels costs nothing), the
 * byte count, the channel layout, and float pixels for NaN, infinities and range.
 */
public final class ImagePreprocessor {
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private final ImageContract contract;
  private final int maxRecordBytes;
  private final Deserializer<ImageEvent> avro = AvroSerdes.imageEvent().deserializer();
  private final SchemaRegistryClient registry;
  private final Deserializer<ImageEvent> registryAvro;

  public ImagePreprocessor(ImageContract contract, int maxRecordBytes) {
    this(contract, maxRecordBytes, null);
  }

  /** With {@code registry} (or null) to read the Confluent wire format. */
  public ImagePreprocessor(
      ImageContract contract, int maxRecordBytes, SchemaRegistryClient registry) {
    this.contract = contract;
    this.maxRecordBytes = maxRecordBytes;
    this.registry = registry;
    this.registryAvro =
        registry == null ? null : RegistryAvro.deserializer(registry, ImageEvent.class);
  }

  public ImageContract contract() {
    return contract;
  }

  /** Decodes and validates one value; throws {@link RejectedRecordException} naming the problem. */
  public ImageInput decode(byte[] value) {
    return decode(value, null);
  }

  /**
   * Decodes and validates one value, with its record's headers (or null), which tell a schema id
   * carried in a header; throws {@link RejectedRecordException} naming the problem.
   */
  public ImageInput decode(byte[] value, Headers headers) {
    if (value == null || value.length == 0) {
      throw new RejectedRecordException(RejectReason.EMPTY_VALUE, "the record has no value");
    }
    if (value.length > maxRecordBytes) {
      throw new RejectedRecordException(
          RejectReason.TOO_LARGE,
          "value of " + value.length + " bytes exceeds max.record.bytes=" + maxRecordBytes);
    }
    if (AvroSerdes.isSingleObject(value)) {
      return fromEvent(singleObject(value));
    }
    if (isPng(value)) {
      return fromPng(value);
    }
    if (isJpeg(value)) {
      return fromImage(value, RejectReason.BAD_JPEG, "JPEG");
    }
    if (RegistryAvro.isFramed(value)) {
      return fromEvent(confluent(value));
    }
    String header = headers == null ? null : schemaIdHeader(headers);
    if (header != null) {
      throw new RejectedRecordException(
          RejectReason.UNSUPPORTED_FRAMING,
          String.format(
              "the schema id is in record "
                  + "header %s and the value starts with %s: the detector reads the id from the value (Confluent wire "
                  + "format); for Apicurio's serializers set apicurio.registry.headers.enabled=false and "
                  + "apicurio.registry.as-confluent=true",
              header, hex(value, 4)));
    }
    if ((value[0] & 0xFF) <= 0x0F && value.length >= RegistryAvro.HEADER_BYTES) {
      throw new RejectedRecordException(
          RejectReason.UNSUPPORTED_FRAMING,
          String.format(
              "value starts with magic byte "
                  + "%02X (%s): not a framing this detector reads; Confluent's is 00 + a 4-byte schema id",
              value[0], hex(value, 5)));
    }
    throw new RejectedRecordException(
        RejectReason.UNKNOWN_FORMAT,
        String.format(
            "value starts with %s: neither Avro single-object encoding (C3 01), the Confluent wire format (00 + schema "
                + "id), PNG (89 50 4E 47) nor JPEG (FF D8 FF)",
            hex(value, 4)));
  }

  private static String schemaIdHeader(Headers headers) {
    for (Header h : headers) {
      String k = h.key().toLowerCase(Locale.ROOT);
      if (k.endsWith("globalid")
          || k.endsWith("contentid")
          || k.endsWith("schemaid")
          || k.endsWith("schema.id")
          || k.endsWith("schema_id")) {
        return h.key();
      }
    }
    return null;
  }

  /** Whether {@code value} is a plain PNG or JPEG file (which carries no event id of its own). */
  public static boolean isPlainImage(byte[] value) {
    return value != null && (isPng(value) || isJpeg(value));
  }

  private static boolean isPng(byte[] v) {
    return v.length >= PNG_MAGIC.length
        && Arrays.equals(v, 0, PNG_MAGIC.length, PNG_MAGIC, 0, PNG_MAGIC.length);
  }

  private static boolean isJpeg(byte[] v) {
    return v.length >= 3 && (v[0] & 0xFF) == 0xFF && (v[1] & 0xFF) == 0xD8 && (v[2] & 0xFF) == 0xFF;
  }

  /** A Kafka deserializer over {@link #decode}. */
  public Deserializer<ImageInput> deserializer() {
    return new Deserializer<>() {
      @Override
      public ImageInput deserialize(String topic, byte[] bytes) {
        return decode(bytes, null);
      }

      @Override
      public ImageInput deserialize(String topic, Headers headers, byte[] bytes) {
        return decode(bytes, headers);
      }
    };
  }

  private ImageEvent singleObject(byte[] value) {
    try {
      return avro.deserialize(null, value);
    } catch (SerializationException ex) {
      RejectReason r = ex.getMessage() != null && ex.getMessage().contains("unknown writer schema")
          ? RejectReason.UNKNOWN_SCHEMA
          : RejectReason.BAD_AVRO;
      throw new RejectedRecordException(r, ex.getMessage(), null, ex);
    }
  }

  /** An ImageEvent in the Confluent wire format; a registry that cannot be reached is rethrown as is. */
  private ImageEvent confluent(byte[] value) {
    int schemaId = RegistryAvro.schemaId(value);
    if (registryAvro == null) {
      throw new RejectedRecordException(
          RejectReason.NO_SCHEMA_REGISTRY,
          String.format(
              "value is in the Confluent "
                  + "wire format (schema id %d) but the detector has no %s",
              schemaId, SchemaRegistryClient.URL));
    }
    try {
      return registryAvro.deserialize(null, value);
    } catch (SchemaRegistryException ex) {
      switch (ex.kind()) {
        case NOT_FOUND ->
          throw new RejectedRecordException(
              RejectReason.UNKNOWN_SCHEMA,
              ex.getMessage()
                  + (schemaId == 0
                      ? " (a producer that writes 8-byte ids, as Apicurio's serializers do by default, "
                          + "looks like id 0 here: set apicurio.registry.as-confluent=true)"
                      : ""),
              null,
              ex);
        case INCOMPATIBLE ->
          throw new RejectedRecordException(
              RejectReason.INCOMPATIBLE_SCHEMA, ex.getMessage(), null, ex);
        default -> throw ex;
      }
    } catch (SerializationException ex) {
      throw new RejectedRecordException(
          RejectReason.BAD_AVRO,
          ex.getMessage() + " (registry " + registry.describe() + ")",
          null,
          ex);
    }
  }

  private ImageInput fromEvent(ImageEvent e) {
    String id = e.getId();
    if (id == null || id.isBlank()) {
      throw new RejectedRecordException(RejectReason.MISSING_FIELD, "ImageEvent.id is empty");
    }
    EventText.check(id, e.getSource(), e.getLabel(), e.getAttributes());
    PixelFormat format = e.getPixelFormat();
    if (e.getChannels() != ImageContract.channelsOf(format)
        && !(format == PixelFormat.RGBA8 && e.getChannels() == 4)) {
      throw new RejectedRecordException(
          RejectReason.WRONG_CHANNELS,
          "channels=" + e.getChannels() + " does not agree with pixel_format=" + format,
          id,
          null);
    }
    ByteBuffer buf = e.getPixels();
    byte[] pixels;
    if (buf.hasArray()
        && buf.arrayOffset() == 0
        && buf.position() == 0
        && buf.remaining() == buf.array().length) {
      pixels = buf.array(); // Avro decoded the bytes into an array of their own: no copy needed
    } else {
      pixels = new byte[buf.remaining()];
      buf.duplicate().get(pixels);
    }
    RawImage fitted = fit(new RawImage(format, e.getWidth(), e.getHeight(), pixels), id);
    return new ImageInput(
        id,
        e.getSource(),
        e.getEventTime().toEpochMilli(),
        e.getLabel(),
        e.getAnomalous(),
        e.getAttributes(),
        fitted.format(),
        fitted.pixels(),
        e.getWidth(),
        e.getHeight());
  }

  private ImageInput fromPng(byte[] value) {
    // IHDR is always the first chunk: length(4) "IHDR"(4) width(4) height(4) depth(1) colour(1)...
    if (value.length < 33
        || value[12] != 'I'
        || value[13] != 'H'
        || value[14] != 'D'
        || value[15] != 'R') {
      throw new RejectedRecordException(
          RejectReason.BAD_PNG, "PNG has no IHDR chunk (" + value.length + " bytes)");
    }
    ByteBuffer h = ByteBuffer.wrap(value, 16, 10);
    long width = h.getInt() & 0xFFFFFFFFL;
    long height = h.getInt() & 0xFFFFFFFFL;
    int depth = h.get() & 0xFF;
    int colourType = h.get() & 0xFF;
    checkSource("PNG", width, height);
    // 16-bit grey, as industrial cameras write it, keeps the high byte of each level, as the
    // trainer reads it (RawImage.of)
    if (depth != 8 && !(depth == 16 && colourType == 0)) {
      throw new RejectedRecordException(
          RejectReason.UNSUPPORTED_PNG,
          "PNG bit depth " + depth + " (colour type " + colourType + ") is not supported; send "
              + "8-bit images, or 16-bit grey");
    }
    return fromImage(value, RejectReason.BAD_PNG, "PNG");
  }

  /**
   * Decodes a PNG or JPEG with ImageIO. The size is read from the header and checked against the
   * contract before any pixel is decoded, so a file that declares a huge image costs nothing.
   */
  private ImageInput fromImage(byte[] value, RejectReason bad, String kind) {
    RawImage img;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(value))) {
      img = RawImage.decode(in, (width, height) -> checkSource(kind, width, height));
    } catch (IOException | RuntimeException ex) {
      if (ex instanceof RejectedRecordException r) {
        throw r;
      }
      throw new RejectedRecordException(
          bad, kind + " cannot be decoded: " + ex.getMessage(), null, ex);
    }
    if (img == null) {
      throw new RejectedRecordException(bad, "no " + kind + " reader accepts the bytes");
    }
    RawImage fitted = fit(img, null);
    return new ImageInput(
        null,
        "",
        -1L,
        null,
        null,
        Map.of(),
        fitted.format(),
        fitted.pixels(),
        img.width(),
        img.height());
  }

  /** The size a file's header declares, checked against the contract before any pixel is decoded. */
  private void checkSource(String kind, long width, long height) {
    try {
      contract.checkSource(width, height);
    } catch (ImageContractException ex) {
      throw new RejectedRecordException(
          RejectReason.WRONG_DIMENSIONS,
          kind + " declares " + width + "x" + height + ": " + ex.getMessage(),
          null,
          ex);
    }
  }

  /** The image at the model's size (checked, and resampled where the model's resize policy allows). */
  private RawImage fit(RawImage image, String id) {
    try {
      return contract.fit(image);
    } catch (ImageContractException ex) {
      throw new RejectedRecordException(
          RejectReason.valueOf(ex.reason().name()), ex.getMessage(), id, ex);
    }
  }

  private static String hex(byte[] b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(n, b.length); i++) {
      sb.append(String.format("%02X ", b[i]));
    }
    return sb.toString().trim();
  }
}
