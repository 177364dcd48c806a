package io.vaestream.detector;

import io.vaestream.detector.config.DetectorConfig;
import io.vaestream.detector.localize.Localizer;
import io.vaestream.detector.preprocess.EventText;
import io.vaestream.detector.scoring.Scorer;
import io.vaestream.schemas.ImageContract;
import java.util.Locale;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;

/** Sizes the detector refuses at start, for the model it scores with. */
final class SizeLimits {
  /** The most model input one batch may hold, so that it is allocated without trouble. */
  static final long MAX_BATCH_INPUT_BYTES = 512L << 20;
  /**
   * What a flagged event may need beside its map: the key, id, source and label at {@link
   * EventText#MAX_TEXT_BYTES} each, the attributes at their limit, and the rest (boxes, fields,
   * record framing) within 4 KB.
   */
  static final int FLAGGED_EVENT_ROOM =
      4 * EventText.MAX_TEXT_BYTES + EventText.MAX_ATTRIBUTES_BYTES + 4096;

  private SizeLimits() {}

  /**
   * Refuses sizes that would fail on the stream thread, record after record: a batch of model
   * input too large to allocate, and, with localization on, a flagged event (its map PNG and the
   * event's text at its limits) larger than the producer sends.
   */
  static void check(DetectorConfig config, Scorer scorer) {
    ImageContract c = scorer.contract();
    long perImage = (long) c.size() * Float.BYTES;
    if (config.batchMaxSize() * perImage > MAX_BATCH_INPUT_BYTES) {
      throw new ConfigException(
          DetectorConfig.BATCH_MAX_SIZE,
          config.batchMaxSize(),
          String.format(
              Locale.ROOT,
              "%d images of %s take %,d MB of model input a batch, over %d MB; at most %d for this "
                  + "model",
              config.batchMaxSize(),
              c,
              config.batchMaxSize() * perImage >> 20,
              MAX_BATCH_INPUT_BYTES >> 20,
              MAX_BATCH_INPUT_BYTES / perImage));
    }
    Localizer localizer = config.localization() ? scorer.localizer() : null;
    if (localizer != null
        && localizer.mapPngBytes() + FLAGGED_EVENT_ROOM > config.producerMaxRequestSize()) {
      throw new ConfigException(String.format(
          Locale.ROOT,
          "a flagged event of this %s model takes up to %,d bytes on %s (its anomaly map's PNG "
              + "%,d, the event's text at its limits %,d), over the producer's %s=%,d: raise it "
              + "and the topic's max.message.bytes, or set %s=false",
          c,
          localizer.mapPngBytes() + FLAGGED_EVENT_ROOM,
          config.anomaliesTopic(),
          localizer.mapPngBytes(),
          FLAGGED_EVENT_ROOM,
          ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
          config.producerMaxRequestSize(),
          DetectorConfig.LOCALIZATION));
    }
  }
}
