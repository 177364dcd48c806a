package io.vaestream.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The stop-the-world collections of this JVM while it is watched, from the collectors' own
 * notifications. A latency percentile near the longest pause says the tail is the collector's.
 */
final class GcPauses implements AutoCloseable {
  /** Pauses seen and the longest of them. */
  record Summary(int pauses, double longestMs) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d GC pauses, longest %.0f ms", pauses, longestMs);
    }
  }

  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final AtomicInteger pauses = new AtomicInteger();
  private final AtomicLong longestMs = new AtomicLong();
  private final long fromEpochMs;
  private final long jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
  private final NotificationListener listener = this::onNotification;

  private GcPauses(long fromEpochMs) {
    this.fromEpochMs = fromEpochMs;
  }

  /** Counts the pauses that start at or after {@code fromEpochMs}. */
  static GcPauses watch(long fromEpochMs) {
    GcPauses g = new GcPauses(fromEpochMs);
    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (bean instanceof NotificationEmitter e) {
        e.addNotificationListener(g.listener, null, null);
        g.emitters.add(e);
      }
    }
    return g;
  }

  private void onNotification(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    // G1's concurrent cycle reports its whole (mostly concurrent) length; only real pauses count.
    if (info.getGcCause().equals("No GC")
        || info.getGcName().contains("Concurrent")
        || jvmStartMs + info.getGcInfo().getStartTime() < fromEpochMs) {
      return;
    }
    pauses.incrementAndGet();
    longestMs.accumulateAndGet(info.getGcInfo().getDuration(), Math::max);
  }

  Summary summary() {
    return new Summary(pauses.get(), longestMs.get());
  }

  @Override
  public void close() {
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(listener);
      } catch (ListenerNotFoundException ignored) {
        // never added: nothing to remove
      }
    }
  }
}
