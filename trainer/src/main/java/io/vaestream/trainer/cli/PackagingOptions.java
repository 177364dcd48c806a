package io.vaestream.trainer.cli;

import io.vaestream.trainer.export.ModelPackager.Quantization;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** How {@code train} and {@code export} package a model: its name, version and quantisation. */
final class PackagingOptions {
  @Option(
      names = "--name",
      description = "Model name in the metadata (default: the run directory's name).")
  String name;

  @Option(
      names = "--model-version",
      defaultValue = "1",
      description = "Model version in the metadata (default: ${DEFAULT-VALUE}).")
  String modelVersion;

  @Option(
      names = "--quantize",
      defaultValue = "none",
      converter = QuantizationConverter.class,
      description =
          "none, or int8: dense layers with int8 weights and per-batch uint8 activations, a quarter of the "
              + "bytes and 2-5x faster on CPUs with VNNI/AMX; threshold and golden samples come from the int8 model "
              + "(default: ${DEFAULT-VALUE}).")
  Quantization quantize;

  /** The model's name: {@code --name}, or the name of {@code dir}. */
  String name(Path dir) {
    return name != null ? name : dir.toAbsolutePath().normalize().getFileName().toString();
  }

  /** {@code none} or {@code int8}. */
  static final class QuantizationConverter implements ITypeConverter<Quantization> {
    @Override
    public Quantization convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "none" -> Quantization.NONE;
        case "int8" -> Quantization.INT8;
        default ->
          throw new TypeConversionException(
              "'" + value + "' is not a quantisation: expected none or int8");
      };
    }
  }
}
