package io.vaestream.detector.scoring;

import io.vaestream.detector.localize.Localizer;
import io.vaestream.schemas.CalibrationProfile;
import io.vaestream.schemas.ImageContract;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A scorer whose model can be replaced while the detector runs ({@link #swap}). A batch is scored
 * by one model, whole, and its {@link ScoreBatch#model()} says which, so the scores of a batch
 * scored just before a swap still carry the old model's name, version and threshold. The old
 * model is closed (its ONNX Runtime session freed) once no batch is being scored by it.
 */
public final class SwappableScorer implements Scorer {

  /** One model and who is scoring with it. */
  private static final class Slot {
    final Scorer scorer;
    final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();
    boolean retired;

    Slot(Scorer scorer) {
      this.scorer = scorer;
    }

    /** Marks this model as scoring no more batches, once the batches it is scoring are done. */
    void retire() {
      inUse.writeLock().lock();
      try {
        retired = true;
      } finally {
        inUse.writeLock().unlock();
      }
    }
  }

  private volatile Slot current;
  private volatile boolean localizationOff;
  private volatile boolean closed;

  public SwappableScorer(Scorer first) {
    this.current = new Slot(first);
  }

  /** The model scoring new batches. */
  public Scorer current() {
    return current.scorer;
  }

  /**
   * Makes {@code next} score every batch from now on, waits for the batches the old model is
   * scoring, then closes it; returns the old model (closed).
   */
  public synchronized Scorer swap(Scorer next) {
    if (closed) {
      next.close();
      throw new IllegalStateException("the scorer is closed; " + next.modelName() + " v"
          + next.modelVersion() + " was not swapped in");
    }
    if (localizationOff) {
      next.disableLocalization();
    }
    Slot old = current;
    current = new Slot(next);
    old.retire();
    old.scorer.close();
    return old.scorer;
  }

  @Override
  public ScoreBatch score(float[] tensors, int count) {
    while (true) {
      if (closed) {
        throw new IllegalStateException("the scorer is closed");
      }
      Slot s = current;
      if (s.inUse.readLock().tryLock()) {
        try {
          if (!s.retired) {
            return s.scorer.score(tensors, count).madeBy(s.scorer);
          }
        } finally {
          s.inUse.readLock().unlock();
        }
      }
      // A swap retired this model between reading current and locking it: the new one scores.
      Thread.onSpinWait();
    }
  }

  @Override
  public ImageContract contract() {
    return current.scorer.contract();
  }

  @Override
  public double threshold() {
    return current.scorer.threshold();
  }

  @Override
  public String modelName() {
    return current.scorer.modelName();
  }

  @Override
  public String modelVersion() {
    return current.scorer.modelVersion();
  }

  @Override
  public String device() {
    return current.scorer.device();
  }

  @Override
  public String sha256() {
    return current.scorer.sha256();
  }

  @Override
  public double targetFalseAlarmRate() {
    return current.scorer.targetFalseAlarmRate();
  }

  @Override
  public CalibrationProfile calibrationProfile() {
    return current.scorer.calibrationProfile();
  }

  @Override
  public Localizer localizer() {
    return current.scorer.localizer();
  }

  @Override
  public NativeObjects nativeObjects() {
    return current.scorer.nativeObjects();
  }

  @Override
  public void disableLocalization() {
    localizationOff = true;
    current.scorer.disableLocalization();
  }

  /** Closes the model in use once no batch is being scored by it. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Slot last = current;
    last.retire();
    last.scorer.close();
  }
}
