package io.vaestream.schemas.registry;

import io.vaestream.schemas.AvroSerdes;
import io.vaestream.schemas.registry.SchemaRegistryException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serdes for the vaestream events in the Confluent wire format: {@code 00}, the schema id
 * (4 bytes, big-endian), the Avro binary body. A reader resolves each writer schema against its
 * own event class, so a producer whose schema adds an optional field is read; a writer schema
 * that cannot be resolved is rejected once per id, with Avro's own account of why. A writer
 * registers its schema under the topic's subject ({@code <topic>-value}, the usual
 * TopicNameStrategy) on its first record.
 */
public final class RegistryAvro {
  /** The Confluent framing's magic byte. */
  public static final byte MAGIC = 0;
  /** Magic byte and schema id. */
  public static final int HEADER_BYTES = 5;

  private RegistryAvro() {}

  /** True when {@code bytes} start with the Confluent magic byte and have room for a schema id. */
  public static boolean isFramed(byte[] bytes) {
    return bytes != null && bytes.length >= HEADER_BYTES && bytes[0] == MAGIC;
  }

  /** The schema id of a framed value. */
  public static int schemaId(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 1, 4).getInt();
  }

  /** The subject a value written to {@code topic} is registered under. */
  public static String subject(String topic) {
    return topic + "-value";
  }

  /**
   * A deserializer of framed values into {@code type}. It throws {@link SchemaRegistryException}
   * when the schema id is unknown ({@code NOT_FOUND}), cannot be resolved ({@code INCOMPATIBLE}) or
   * the registry cannot be reached (transient), and {@link SerializationException} for a body that
   * is not valid Avro of the writer schema.
   */
  public static <T extends SpecificRecord> Deserializer<T> deserializer(
      SchemaRegistryClient registry, Class<T> type) {
    SpecificData data = AvroSerdes.specificData(type);
    Schema reader = data.getSchema(type);
    Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();
    // An id names one schema forever, so an id that cannot be read as T never will be.
    Map<Integer, SchemaRegistryException> unreadable = new ConcurrentHashMap<>();
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      if (!isFramed(bytes)) {
        throw new SerializationException(
            reader.getName() + ": not in the Confluent wire format (00 + schema id)");
      }
      int id = schemaId(bytes);
      DatumReader<T> datumReader = readers.get(id);
      if (datumReader == null) {
        SchemaRegistryException known = unreadable.get(id);
        if (known != null) {
          throw known;
        }
        Schema writer = registry.schemaById(id);
        SchemaPairCompatibility c =
            SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
          SchemaRegistryException e = new SchemaRegistryException(
              Kind.INCOMPATIBLE,
              String.format(
                  "schema id %d " + "(%s) cannot be read as %s: %s",
                  id, writer.getFullName(), reader.getFullName(), describe(c)),
              null);
          if (unreadable.size() < 10_000) {
            unreadable.put(id, e);
          }
          throw e;
        }
        DatumReader<T> made = new SpecificDatumReader<T>(writer, reader, data);
        readers.put(id, made);
        datumReader = made;
      }
      try {
        return datumReader.read(
            null,
            DecoderFactory.get()
                .binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, null));
      } catch (IOException | RuntimeException e) {
        throw new SerializationException(
            String.format(
                "%s: malformed Avro body for schema id %d: %s",
                reader.getName(), id, e.getMessage()),
            e);
      }
    };
  }

  /** The serializer and deserializer of {@code type} in the Confluent wire format, as one serde. */
  public static <T extends SpecificRecord> Serde<T> serde(
      SchemaRegistryClient registry, Class<T> type) {
    return Serdes.serdeFrom(serializer(registry, type), deserializer(registry, type));
  }

  /**
   * A deserializer of either encoding, told apart by the first byte: Avro single-object encoding
   * ({@code C3 01}) with {@code singleObject}, the Confluent wire format through {@code registry}
   * (null: such values are refused with a message that says a registry is needed).
   */
  public static <T extends SpecificRecord> Deserializer<T> eitherFormat(
      Deserializer<T> singleObject, SchemaRegistryClient registry, Class<T> type) {
    Deserializer<T> confluent = registry == null ? null : deserializer(registry, type);
    return (topic, bytes) -> {
      if (bytes == null || !isFramed(bytes)) {
        return singleObject.deserialize(topic, bytes);
      }
      if (confluent == null) {
        throw new SerializationException(String.format(
            "%s in the Confluent wire format (schema id %d): reading it "
                + "needs a schema registry",
            type.getSimpleName(), schemaId(bytes)));
      }
      return confluent.deserialize(topic, bytes);
    };
  }

  /**
   * A serializer that writes {@code type} in the Confluent wire format, registering its schema
   * under {@code <topic>-value} on the first record for each topic (the answer is cached).
   */
  public static <T extends SpecificRecord> Serializer<T> serializer(
      SchemaRegistryClient registry, Class<T> type) {
    SpecificData data = AvroSerdes.specificData(type);
    Schema schema = data.getSchema(type);
    SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(schema, data);
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      int id = registry.register(subject(topic), schema);
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      out.write(MAGIC);
      out.write(id >>> 24);
      out.write(id >>> 16);
      out.write(id >>> 8);
      out.write(id);
      try {
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(value, enc);
        enc.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    };
  }

  private static String describe(SchemaPairCompatibility c) {
    StringBuilder sb = new StringBuilder();
    c.getResult().getIncompatibilities().forEach(i -> {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(i.getType())
          .append(" at ")
          .append(i.getLocation())
          .append(": ")
          .append(i.getMessage());
    });
    return sb.length() == 0 ? c.getDescription() : sb.toString();
  }
}
