package io.vaestream.bench;

import io.vaestream.detector.scoring.Scorer;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What one throughput run starts: {@code instances} detectors of {@code threads} stream threads
 * each, reading a preloaded {@code input}, or, when {@code live}, a new topic that a producer in
 * this JVM fills as fast as it can while they run.
 *
 * @param profile where the JFR recording goes; null: not profiled
 * @param modelsTopic the models topic the detectors follow (a shadow model is published there); null: none
 */
record Trial(
    String name,
    String input,
    int records,
    Path model,
    Supplier<Scorer> scorer,
    int maxBatch,
    int threads,
    int instances,
    Path profile,
    boolean pipelined,
    Integer commitMs,
    boolean live,
    String modelsTopic) {
  /** Pipelined inference, as the detector runs by default; batch 1 is the synchronous per-record baseline. */
  Trial(
      String name,
      String input,
      int records,
      Path model,
      Supplier<Scorer> scorer,
      int maxBatch,
      int threads,
      int instances) {
    this(
        name,
        input,
        records,
        model,
        scorer,
        maxBatch,
        threads,
        instances,
        null,
        maxBatch > 1,
        null,
        false,
        null);
  }

  Trial notPipelined() {
    return copy(input, profile, false, commitMs, live, modelsTopic);
  }

  Trial withCommitMs(Integer ms) {
    return copy(input, profile, pipelined, ms, live, modelsTopic);
  }

  Trial sentLive() {
    return copy(null, profile, pipelined, commitMs, true, modelsTopic);
  }

  Trial profiledTo(Path jfr) {
    return copy(input, jfr, pipelined, commitMs, live, modelsTopic);
  }

  Trial following(String topic) {
    return copy(input, profile, pipelined, commitMs, live, topic);
  }

  /** This trial with the parts that the methods above change: the same run, started differently. */
  private Trial copy(
      String input, Path profile, boolean pipelined, Integer commitMs, boolean live, String topic) {
    return new Trial(
        name, input, records, model, scorer, maxBatch, threads, instances, profile, pipelined,
        commitMs, live, topic);
  }
}
