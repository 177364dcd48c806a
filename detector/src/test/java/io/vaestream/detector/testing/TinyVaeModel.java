package io.vaestream.detector.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.vaestream.schemas.GoldenSamples;
import io.vaestream.schemas.ImageContract;
import io.vaestream.schemas.ModelFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny model with the vaestream signature, built in code so detector tests need no trainer:
 * reconstruction = 0.5·x + 0.25; reconstruction_error = mean((x − r)²); z_mean = [mean(x), mean of
 * the first row]; z_log_var = 0; kl = ½ Σ μ²; score = 10·reconstruction_error + kl. {@link #score}
 * computes the same in Java.
 */
public final class TinyVaeModel {
  public static final ImageContract CONTRACT = ImageContract.GRAY_28;

  private TinyVaeModel() {}

  /** The expected score of one image, in double precision. */
  public static double score(float[] x) {
    return 10 * reconstructionError(x) + kl(x);
  }

  public static double reconstructionError(float[] x) {
    double s = 0;
    for (float v : x) {
      double d = v - (0.5 * v + 0.25);
      s += d * d;
    }
    return s / x.length;
  }

  public static double kl(float[] x) {
    double m0 = 0;
    double m1 = 0;
    for (int i = 0; i < x.length; i++) {
      m0 += x[i] / 784.0;
      if (i < 28) {
        m1 += x[i] / 28.0;
      }
    }
    return 0.5 * (m0 * m0 + m1 * m1);
  }

  /** Writes {@code model.onnx} into {@code dir}, without a checksum file; returns its path. */
  public static Path write(Path dir, double threshold) throws IOException {
    return write(dir, threshold, 0);
  }

  /** As {@link #write(Path, double)}, with the golden scores shifted by {@code goldenError}. */
  public static Path write(Path dir, double threshold, double goldenError) throws IOException {
    return write(dir, threshold, goldenError, ModelFormat.OPSET);
  }

  /** As {@link #write(Path, double)}, with model version {@code version} (the others are version 7). */
  public static Path write(Path dir, double threshold, String version) throws IOException {
    return write(dir, threshold, 0, ModelFormat.OPSET, version);
  }

  /** As {@link #write(Path, double, double)}, declaring {@code opset}. */
  public static Path write(Path dir, double threshold, double goldenError, int opset)
      throws IOException {
    return write(dir, threshold, goldenError, opset, "7");
  }

  /**
   * As {@link #write(Path, double)}, with an {@code anomaly_map} output (x − r)² and a pixel
   * threshold; with {@code rowsOnly}, the map is malformed: one value per row, not per pixel.
   */
  public static Path writeWithMap(Path dir, double threshold, boolean rowsOnly) throws IOException {
    return write(dir, threshold, 0, ModelFormat.OPSET, "7", rowsOnly ? 1 : 28);
  }

  private static Path write(
      Path dir, double threshold, double goldenError, int opset, String version)
      throws IOException {
    return write(dir, threshold, goldenError, opset, version, 0);
  }

  /** {@code mapWidth}: 0 for no anomaly map, else the map's width (28 is right). */
  private static Path write(
      Path dir, double threshold, double goldenError, int opset, String version, int mapWidth)
      throws IOException {
    GraphProto.Builder g = GraphProto.newBuilder().setName("tiny");
    g.addInput(value(ModelFormat.INPUT, -1, 1, 28, 28));
    float[] w = new float[784 * 2];
    for (int i = 0; i < 784; i++) {
      w[i * 2] = 1f / 784;
      w[i * 2 + 1] = i < 28 ? 1f / 28 : 0f;
    }
    g.addInitializer(floats("W", w, 784, 2));
    g.addInitializer(floats("half", new float[] {0.5f}));
    g.addInitializer(floats("quarter", new float[] {0.25f}));
    g.addInitializer(floats("zero", new float[] {0f}));
    g.addInitializer(floats("ten", new float[] {10f}));
    g.addInitializer(longs("flat", -1, 784));
    g.addInitializer(longs("axis1", 1));
    node(g, "Mul", List.of("input", "half"), "xh");
    node(g, "Add", List.of("xh", "quarter"), ModelFormat.RECONSTRUCTION);
    node(g, "Sub", List.of("input", ModelFormat.RECONSTRUCTION), "diff");
    node(g, "Mul", List.of("diff", "diff"), "sq");
    node(
        g,
        "ReduceMean",
        List.of("sq"),
        ModelFormat.RECONSTRUCTION_ERROR,
        AttributeProto.newBuilder()
            .setName("axes")
            .setType(AttributeProto.AttributeType.INTS)
            .addInts(1)
            .addInts(2)
            .addInts(3)
            .build(),
        AttributeProto.newBuilder()
            .setName("keepdims")
            .setType(AttributeProto.AttributeType.INT)
            .setI(0)
            .build());
    node(g, "Reshape", List.of("input", "flat"), "x2");
    node(g, "MatMul", List.of("x2", "W"), ModelFormat.Z_MEAN);
    node(g, "Mul", List.of(ModelFormat.Z_MEAN, "zero"), ModelFormat.Z_LOG_VAR);
    node(g, "Mul", List.of(ModelFormat.Z_MEAN, ModelFormat.Z_MEAN), "mu2");
    node(
        g,
        "ReduceSum",
        List.of("mu2", "axis1"),
        "mu2sum",
        AttributeProto.newBuilder()
            .setName("keepdims")
            .setType(AttributeProto.AttributeType.INT)
            .setI(0)
            .build());
    node(g, "Mul", List.of("mu2sum", "half"), ModelFormat.KL);
    node(g, "Mul", List.of(ModelFormat.RECONSTRUCTION_ERROR, "ten"), "rw");
    node(g, "Add", List.of("rw", ModelFormat.KL), ModelFormat.SCORE);
    g.addOutput(value(ModelFormat.RECONSTRUCTION, -1, 1, 28, 28));
    g.addOutput(value(ModelFormat.Z_MEAN, -1, 2));
    g.addOutput(value(ModelFormat.Z_LOG_VAR, -1, 2));
    g.addOutput(value(ModelFormat.RECONSTRUCTION_ERROR, -1));
    g.addOutput(value(ModelFormat.KL, -1));
    g.addOutput(value(ModelFormat.SCORE, -1));
    if (mapWidth == 28) {
      node(g, "Identity", List.of("sq"), ModelFormat.ANOMALY_MAP);
    } else if (mapWidth > 0) {
      node(
          g,
          "ReduceMean",
          List.of("sq"),
          ModelFormat.ANOMALY_MAP,
          AttributeProto.newBuilder()
              .setName("axes")
              .setType(AttributeProto.AttributeType.INTS)
              .addInts(3)
              .build());
    }
    if (mapWidth > 0) {
      g.addOutput(value(ModelFormat.ANOMALY_MAP, -1, 1, 28, mapWidth));
    }

    Map<String, String> meta = new LinkedHashMap<>(CONTRACT.toMetadata());
    meta.put(ModelFormat.NAME, "tiny");
    meta.put(ModelFormat.VERSION, version);
    meta.put(ModelFormat.THRESHOLD, Double.toString(threshold));
    if (mapWidth > 0) {
      meta.put(ModelFormat.PIXEL_THRESHOLD, "0.2");
    }
    List<GoldenSamples.Sample> golden = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      float[] x = new float[784];
      for (int i = 0; i < x.length; i++) {
        x[i] = ((i * (k + 3)) % 256) / 255f;
      }
      golden.add(GoldenSamples.Sample.of(x, reconstructionError(x), kl(x), score(x) + goldenError));
    }
    meta.put(ModelFormat.GOLDEN, new GoldenSamples(1e-4, golden).toJson());
    ModelProto.Builder m = ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("tiny-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(g);
    meta.forEach((k, v) ->
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    Files.createDirectories(dir);
    Path file = dir.resolve("model.onnx");
    Files.write(file, m.build().toByteArray());
    return file;
  }

  private static void node(
      GraphProto.Builder g, String op, List<String> in, String out, AttributeProto... attrs) {
    NodeProto.Builder n =
        NodeProto.newBuilder().setOpType(op).setName(out + "_" + op).addOutput(out);
    in.forEach(n::addInput);
    for (AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    g.addNode(n);
  }

  private static TensorProto floats(String name, float[] v, long... dims) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    for (float f : v) {
      t.addFloatData(f);
    }
    return t.build();
  }

  private static TensorProto longs(String name, long... v) {
    TensorProto.Builder t = TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.INT64.getNumber())
        .addDims(v.length);
    for (long x : v) {
      t.addInt64Data(x);
    }
    return t.build();
  }

  private static ValueInfoProto value(String name, long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(
          d < 0
              ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
              : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber())
                .setShape(s)))
        .build();
  }
}
