package io.vaestream.schemas;

import io.vaestream.events.AnomalyScore;
import io.vaestream.events.Box;
import io.vaestream.events.DeadLetter;
import io.vaestream.events.ImageEvent;
import io.vaestream.events.Localization;
import io.vaestream.events.PixelFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serdes for the vaestream events, in Avro single-object encoding: the two marker bytes
 * {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer's schema, then the
 * Avro binary body. A reader resolves any writer schema it has been told about ({@link
 * #addWriterSchema}) against its own, so older producers keep working.
 *
 * <p>Avro 1.12.2 refuses to instantiate generated classes that are not trusted. Rather than
 * trusting every package (the {@code org.apache.avro.SERIALIZABLE_PACKAGES=*} escape hatch), this
 * class adds exactly the three event classes to Avro's global predicate, once.
 */
public final class AvroSerdes {
  private static final SchemaStore.Cache KNOWN_SCHEMAS = new SchemaStore.Cache();

  static {
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
        ClassSecurityValidator.getGlobal(),
        ClassSecurityValidator.builder()
            .add(ImageEvent.class)
            .add(AnomalyScore.class)
            .add(Localization.class)
            .add(Box.class)
            .add(DeadLetter.class)
            .add(PixelFormat.class)
            .build()));
    KNOWN_SCHEMAS.addSchema(ImageEvent.getClassSchema());
    KNOWN_SCHEMAS.addSchema(AnomalyScore.getClassSchema());
    KNOWN_SCHEMAS.addSchema(DeadLetter.getClassSchema());
    // scores written before flagged events carried their localization
    KNOWN_SCHEMAS.addSchema(earlierSchema("AnomalyScore-1.avsc"));
  }

  private static Schema earlierSchema(String resource) {
    try (InputStream in = AvroSerdes.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private AvroSerdes() {}

  /** The Avro model of a generated event class, with the event classes trusted (see the class comment). */
  public static SpecificData specificData(Class<? extends SpecificRecord> type) {
    return SpecificData.getForClass(type);
  }

  /** Lets readers resolve records written with an older (compatible) schema. */
  public static void addWriterSchema(Schema schema) {
    KNOWN_SCHEMAS.addSchema(schema);
  }

  public static Serde<ImageEvent> imageEvent() {
    return serde(ImageEvent.getClassSchema(), ImageEvent.class);
  }

  public static Serde<AnomalyScore> anomalyScore() {
    return serde(AnomalyScore.getClassSchema(), AnomalyScore.class);
  }

  public static Serde<DeadLetter> deadLetter() {
    return serde(DeadLetter.getClassSchema(), DeadLetter.class);
  }

  /** True when {@code bytes} start with the single-object marker {@code C3 01}. */
  /** The schema's CRC-64-AVRO fingerprint in hex, as docs/wire-format.md gives it: {@code 0x507289035033c563}. */
  public static String fingerprint(Schema schema) {
    return String.format("0x%016x", SchemaNormalization.parsingFingerprint64(schema));
  }

  /** The fingerprint a single-object encoded value carries (bytes 2 to 9, little-endian), in hex. */
  static String wireFingerprint(byte[] bytes) {
    if (bytes.length < 10) {
      return "(truncated)";
    }
    return String.format(
        "0x%016x", ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
  }

  public static boolean isSingleObject(byte[] bytes) {
    return bytes != null && bytes.length >= 2 && (bytes[0] & 0xFF) == 0xC3 && bytes[1] == 0x01;
  }

  /** Encodes one record; for callers outside Kafka. */
  public static <T extends SpecificRecord> byte[] encode(T record) {
    return serde(record.getSchema(), record.getClass()).serializer().serialize(null, record);
  }

  private static <T extends SpecificRecord> Serde<T> serde(Schema schema, Class<?> type) {
    SpecificData data = SpecificData.getForClass(type);
    BinaryMessageEncoder<T> encoder = new BinaryMessageEncoder<>(data, schema);
    BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(data, schema, KNOWN_SCHEMAS);
    Serializer<T> ser = (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        ByteBuffer buf = encoder.encode(value);
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    Deserializer<T> de = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return decoder.decode(bytes);
      } catch (BadHeaderException e) {
        throw new SerializationException(
            schema.getName() + ": not Avro single-object encoding: " + e.getMessage(), e);
      } catch (MissingSchemaException e) {
        throw new SerializationException(
            String.format(
                "%s: unknown writer schema: fingerprint %s is not %s's (%s)",
                schema.getName(), wireFingerprint(bytes), schema.getName(), fingerprint(schema)),
            e);
      } catch (IOException | RuntimeException e) {
        throw new SerializationException(
            schema.getName() + ": malformed Avro body: " + e.getMessage(), e);
      }
    };
    return Serdes.serdeFrom(ser, de);
  }
}
