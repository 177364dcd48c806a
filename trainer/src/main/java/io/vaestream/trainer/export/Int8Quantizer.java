package io.vaestream.trainer.export;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Dynamic int8 quantisation of an exported VAE's dense layers, in standard ONNX operators.
 *
 * <p>Each {@code Gemm(x, W, b)} becomes
 *
 * <pre>
 *   x_q, x_scale, x_zero = DynamicQuantizeLinear(x)        uint8, scale and zero point of this batch
 *   y = Cast(MatMulInteger(x_q, W_q, x_zero)) · (x_scale · W_scale) + b
 * </pre>
 *
 * with {@code W_q} the weights rounded to int8 around zero with one scale per output column (max
 * |W| / 127 over the column). Weights shrink fourfold, so the layer's matrix stays in cache, and ONNX Runtime fuses the
 * pattern into one integer matrix product (VNNI or AMX where the CPU has them). Activations are
 * quantised per call, over the whole batch: an image's score can move in the fourth digit with the
 * images it is batched with. Convolutions stay float.
 */
public final class Int8Quantizer {
  /** What the metadata says of a model this class made. */
  public static final String SCHEME =
      "int8 dense weights (symmetric, one scale per output column), "
          + "uint8 activations quantised per batch (DynamicQuantizeLinear + MatMulInteger)";

  private Int8Quantizer() {}

  /** The model with every dense layer quantised; metadata and everything else unchanged. */
  public static ModelProto quantize(ModelProto model) {
    GraphProto g = model.getGraph();
    Map<String, TensorProto> initializers = new HashMap<>();
    g.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
    GraphProto.Builder out = g.toBuilder().clearNode();
    Set<String> replaced = new HashSet<>();
    for (NodeProto n : g.getNodeList()) {
      TensorProto w =
          n.getOpType().equals("Gemm") && n.getAttributeCount() == 0 && n.getInputCount() == 3
              ? initializers.get(n.getInput(1))
              : null;
      if (w == null
          || w.getDataType() != TensorProto.DataType.FLOAT.getNumber()
          || w.getDimsCount() != 2) {
        out.addNode(n);
        continue;
      }
      String p = n.getOutput(0);
      float[] weights = floats(w);
      int rows = (int) w.getDims(0);
      int cols = (int) w.getDims(1);
      // One scale per output column: a column of small weights keeps its resolution.
      float[] scale = new float[cols];
      for (int k = 0; k < rows; k++) {
        for (int c = 0; c < cols; c++) {
          scale[c] = Math.max(scale[c], Math.abs(weights[k * cols + c]));
        }
      }
      for (int c = 0; c < cols; c++) {
        scale[c] = scale[c] == 0 ? 1 : scale[c] / 127f;
      }
      byte[] q = new byte[weights.length];
      for (int i = 0; i < weights.length; i++) {
        q[i] = (byte) Math.max(-127, Math.min(127, Math.round(weights[i] / scale[i % cols])));
      }
      replaced.add(w.getName());
      out.addInitializer(TensorProto.newBuilder()
          .setName(p + "_W_int8")
          .setDataType(TensorProto.DataType.INT8_VALUE)
          .addAllDims(w.getDimsList())
          .setRawData(ByteString.copyFrom(q)));
      TensorProto.Builder scales = TensorProto.newBuilder()
          .setName(p + "_W_scale")
          .setDataType(TensorProto.DataType.FLOAT_VALUE)
          .addDims(cols);
      for (float v : scale) {
        scales.addFloatData(v);
      }
      out.addInitializer(scales);
      out.addNode(node(
          "DynamicQuantizeLinear",
          p + "_quantize_x",
          new String[] {n.getInput(0)},
          p + "_x_q",
          p + "_x_scale",
          p + "_x_zero"));
      out.addNode(node(
          "MatMulInteger",
          p + "_matmul_int8",
          new String[] {p + "_x_q", p + "_W_int8", p + "_x_zero"},
          p + "_y_int32"));
      out.addNode(
          node("Cast", p + "_to_float", new String[] {p + "_y_int32"}, p + "_y_unscaled")
              .toBuilder()
              .addAttribute(AttributeProto.newBuilder()
                  .setName("to")
                  .setType(AttributeType.INT)
                  .setI(TensorProto.DataType.FLOAT_VALUE))
              .build());
      out.addNode(
          node("Mul", p + "_scale", new String[] {p + "_x_scale", p + "_W_scale"}, p + "_y_scale"));
      out.addNode(node(
          "Mul",
          p + "_rescale",
          new String[] {p + "_y_unscaled", p + "_y_scale"},
          p + "_y_nobias"));
      out.addNode(
          node("Add", p + "_bias", new String[] {p + "_y_nobias", n.getInput(2)}, n.getOutput(0)));
    }
    if (replaced.isEmpty()) {
      throw new IllegalArgumentException("the model has no dense layer to quantise");
    }
    var kept = out.getInitializerList().stream()
        .filter(t -> !replaced.contains(t.getName()))
        .toList();
    out.clearInitializer().addAllInitializer(kept);
    return model.toBuilder().setGraph(out).build();
  }

  private static NodeProto node(String op, String name, String[] inputs, String... outputs) {
    NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name);
    for (String i : inputs) {
      b.addInput(i);
    }
    for (String o : outputs) {
      b.addOutput(o);
    }
    return b.build();
  }

  private static float[] floats(TensorProto t) {
    float[] v = new float
        [Math.toIntExact(
            t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b))];
    if (t.getFloatDataCount() > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] = t.getFloatData(i);
      }
    } else {
      t.getRawData()
          .asReadOnlyByteBuffer()
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(v);
    }
    return v;
  }
}
