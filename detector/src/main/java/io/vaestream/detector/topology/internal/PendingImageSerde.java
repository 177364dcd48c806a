package io.vaestream.detector.topology.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link PendingImage} for the batch store and its changelog. Tensors that came
 * from 8-bit pixels (every value exactly b/255) are stored as one byte per value, a quarter of the
 * float size; others as float32.
 */
public final class PendingImageSerde {
  private static final byte VERSION = 1;
  private static final byte BYTES = 0;
  private static final byte FLOATS = 1;

  private PendingImageSerde() {}

  public static Serde<PendingImage> serde() {
    Serializer<PendingImage> ser = (topic, p) -> p == null ? null : write(p);
    Deserializer<PendingImage> de = (topic, b) -> b == null ? null : read(b);
    return Serdes.serdeFrom(ser, de);
  }

  static byte[] write(PendingImage p) {
    try {
      // DataOutputStream over an exactly sized array: one copy, no per-byte synchronisation.
      float[] t = p.tensor();
      boolean eightBit = isEightBit(t);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + t.length * (eightBit ? 1 : 4)
          + (p.key() == null ? 0 : p.key().length));
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      writeBytes(out, p.key());
      out.writeUTF(p.id());
      out.writeUTF(p.source());
      out.writeLong(p.eventTime());
      writeNullable(out, p.label());
      out.writeByte(p.anomalous() == null ? -1 : p.anomalous() ? 1 : 0);
      out.writeInt(p.attributes().size());
      for (Map.Entry<String, String> e : p.attributes().entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.writeUTF(p.topic());
      out.writeInt(p.partition());
      out.writeLong(p.offset());
      out.writeLong(p.timestamp());
      out.writeLong(p.readTimeMs());
      out.writeInt(t.length);
      out.writeByte(eightBit ? BYTES : FLOATS);
      if (eightBit) {
        byte[] q = new byte[t.length];
        for (int i = 0; i < t.length; i++) {
          q[i] = (byte) Math.round(t[i] * 255f);
        }
        out.write(q);
      } else {
        ByteBuffer f = ByteBuffer.allocate(t.length * Float.BYTES);
        f.asFloatBuffer().put(t);
        out.write(f.array());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PendingImage read(byte[] b) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new IllegalStateException("pending image format " + version + " is not " + VERSION);
      }
      byte[] key = readBytes(in);
      String id = in.readUTF();
      String source = in.readUTF();
      long eventTime = in.readLong();
      String label = in.readBoolean() ? in.readUTF() : null;
      byte a = in.readByte();
      Boolean anomalous = a < 0 ? null : a == 1;
      int n = in.readInt();
      Map<String, String> attributes = new HashMap<>();
      for (int i = 0; i < n; i++) {
        attributes.put(in.readUTF(), in.readUTF());
      }
      String topic = in.readUTF();
      int partition = in.readInt();
      long offset = in.readLong();
      long timestamp = in.readLong();
      long readTime = in.readLong();
      float[] t = new float[in.readInt()];
      byte kind = in.readByte();
      byte[] raw = new byte[t.length * (kind == BYTES ? 1 : Float.BYTES)];
      in.readFully(raw);
      if (kind == BYTES) {
        for (int i = 0; i < t.length; i++) {
          t[i] = (raw[i] & 0xFF) / 255f;
        }
      } else {
        ByteBuffer.wrap(raw).asFloatBuffer().get(t);
      }
      return new PendingImage(key, id, source, eventTime, label, anomalous, attributes, topic, partition, offset,
          timestamp, readTime, t);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isEightBit(float[] t) {
    for (float v : t) {
      int q = Math.round(v * 255f);
      if (q < 0 || q > 255 || q / 255f != v) {
        return false;
      }
    }
    return true;
  }

  private static void writeNullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b == null ? -1 : b.length);
    if (b != null) {
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
