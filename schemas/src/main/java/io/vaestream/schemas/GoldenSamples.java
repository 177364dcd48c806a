package io.vaestream.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A handful of inputs stored with the model together with the outputs the trainer computed for
 * them. Any consumer (the detector at start-up, a Python script) runs the inputs through its own
 * runtime and checks that it gets the same numbers back.
 *
 * <p>JSON form: {@code {"tolerance": 1e-4, "samples": [{"input": "<base64 float32 LE>",
 * "reconstruction_error": …, "kl": …, "score": …}, …]}}.
 */
public record GoldenSamples(double tolerance, List<Sample> samples) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public GoldenSamples {
    samples = List.copyOf(samples);
  }

  /** One stored input and its expected per-image outputs. */
  public record Sample(String input, double reconstruction_error, double kl, double score) {
    public static Sample of(float[] tensor, double reconstructionError, double kl, double score) {
      ByteBuffer b =
          ByteBuffer.allocate(tensor.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(tensor);
      return new Sample(
          Base64.getEncoder().encodeToString(b.array()), reconstructionError, kl, score);
    }

    /** The stored input tensor. */
    public float[] tensor() {
      ByteBuffer b =
          ByteBuffer.wrap(Base64.getDecoder().decode(input)).order(ByteOrder.LITTLE_ENDIAN);
      float[] out = new float[b.remaining() / Float.BYTES];
      b.asFloatBuffer().get(out);
      return out;
    }
  }

  /** True when {@code actual} is within the tolerance of {@code expected}, relative above 1. */
  public boolean matches(double expected, double actual) {
    return Math.abs(expected - actual) <= tolerance * Math.max(1.0, Math.abs(expected));
  }

  /**
   * Every sample's input, one after another, for one batch of a model whose input takes {@code
   * size} values per image; throws naming the first sample of another size.
   */
  public float[] inputs(int size) {
    float[] x = new float[samples.size() * size];
    for (int i = 0; i < samples.size(); i++) {
      float[] t = samples.get(i).tensor();
      if (t.length != size) {
        throw new IllegalArgumentException(
            "golden sample " + i + " has " + t.length + " values, the input needs " + size);
      }
      System.arraycopy(t, 0, x, i * size, size);
    }
    return x;
  }

  /**
   * The samples whose outputs, as a model computed them from {@link #inputs}, differ from the
   * recorded ones by more than the tolerance; empty when the model reproduces all of them.
   */
  public List<Integer> mismatches(float[] reconstructionError, float[] kl, float[] score) {
    List<Integer> bad = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      if (!matches(s.reconstruction_error(), reconstructionError[i])
          || !matches(s.kl(), kl[i])
          || !matches(s.score(), score[i])) {
        bad.add(i);
      }
    }
    return bad;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode golden samples", e);
    }
  }

  public static GoldenSamples fromJson(String json) {
    try {
      return JSON.readValue(json, GoldenSamples.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed golden samples: " + e.getOriginalMessage(), e);
    }
  }
}
