package io.vaestream.trainer.export.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.vaestream.schemas.ModelFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * A small fluent writer of ONNX graphs on top of the ONNX protobuf classes. It only knows what the
 * exporter needs: float tensors, a dynamic batch dimension, and nodes with int, ints and float
 * attributes. Names are made unique with a counter per prefix.
 */
public final class OnnxGraphBuilder {
  /** The symbolic name of the dynamic batch dimension. */
  public static final String BATCH = "batch";
  /** ONNX IR version matching opset 17. */
  private static final long IR_VERSION = 8;

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Map<String, Integer> counters = new HashMap<>();

  public OnnxGraphBuilder(String name) {
    graph.setName(name);
  }

  /** Declares a float input; a dimension of -1 becomes the dynamic {@value #BATCH}. */
  public String input(String name, long... dims) {
    graph.addInput(valueInfo(name, dims));
    return name;
  }

  /** Declares a graph output by giving a computed value its public name. */
  public void output(String value, String name, long... dims) {
    if (!value.equals(name)) {
      node("Identity", new String[] {value}, name, Map.of());
    }
    graph.addOutput(valueInfo(name, dims));
  }

  /** A float constant, stored as raw little-endian bytes. */
  public String floats(String prefix, float[] values, long... dims) {
    String name = fresh(prefix);
    ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    TensorProto.Builder t = TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.FLOAT.getNumber())
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return name;
  }

  /** A scalar float constant. */
  public String scalar(String prefix, float value) {
    return floats(prefix, new float[] {value});
  }

  /** A 1-D int64 constant, as Reshape's shape and ReduceSum's axes need. */
  public String longs(String prefix, long... values) {
    String name = fresh(prefix);
    TensorProto.Builder t = TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.INT64.getNumber())
        .addDims(values.length);
    for (long v : values) {
      t.addInt64Data(v);
    }
    graph.addInitializer(t);
    return name;
  }

  /** Adds a node with one output, named after {@code prefix}; returns that output's name. */
  public String op(String opType, String prefix, Map<String, Object> attributes, String... inputs) {
    return node(opType, inputs, fresh(prefix), attributes);
  }

  /**
   * Adds a node with {@code outputs} outputs (TopK has values and indices), named after {@code
   * prefix}; returns their names.
   */
  public String[] ops(
      String opType, String prefix, int outputs, Map<String, Object> attributes, String... inputs) {
    String first = fresh(prefix);
    String[] names = new String[outputs];
    for (int i = 0; i < outputs; i++) {
      names[i] = i == 0 ? first : first + "_out" + i;
    }
    node(opType, inputs, names, attributes);
    return names;
  }

  public String op(String opType, String prefix, String... inputs) {
    return op(opType, prefix, Map.of(), inputs);
  }

  /** The finished model with {@code metadata} as {@code metadata_props}. */
  public ModelProto build(
      String producer, String version, String doc, Map<String, String> metadata) {
    ModelProto.Builder m = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName(producer)
        .setProducerVersion(version)
        .setDomain("io.vaestream")
        .setDocString(doc)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(ModelFormat.OPSET))
        .setGraph(graph);
    metadata.forEach((k, v) ->
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return m.build();
  }

  private String node(
      String opType, String[] inputs, String output, Map<String, Object> attributes) {
    node(opType, inputs, new String[] {output}, attributes);
    return output;
  }

  private void node(
      String opType, String[] inputs, String[] outputs, Map<String, Object> attributes) {
    NodeProto.Builder n =
        NodeProto.newBuilder().setOpType(opType).setName(outputs[0] + "_" + opType);
    for (String out : outputs) {
      n.addOutput(out);
    }
    for (String in : inputs) {
      n.addInput(in);
    }
    attributes.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> n.addAttribute(attribute(e.getKey(), e.getValue())));
    graph.addNode(n);
  }

  private static AttributeProto attribute(String name, Object value) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
    if (value instanceof Integer || value instanceof Long) {
      a.setType(AttributeType.INT).setI(((Number) value).longValue());
    } else if (value instanceof Float || value instanceof Double) {
      a.setType(AttributeType.FLOAT).setF(((Number) value).floatValue());
    } else if (value instanceof long[] ints) {
      a.setType(AttributeType.INTS);
      for (long i : ints) {
        a.addInts(i);
      }
    } else {
      throw new IllegalArgumentException("unsupported attribute " + name + "=" + value);
    }
    return a.build();
  }

  private static ValueInfoProto valueInfo(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(
          d < 0
              ? TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH)
              : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber())
                .setShape(shape)))
        .build();
  }

  private String fresh(String prefix) {
    int n = counters.merge(prefix, 1, Integer::sum);
    return n == 1 ? prefix : prefix + "_" + n;
  }
}
