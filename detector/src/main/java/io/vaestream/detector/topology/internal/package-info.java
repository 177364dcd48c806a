/** The batch store's record and its serde; not for callers outside {@code topology}. */
package io.vaestream.detector.topology.internal;
