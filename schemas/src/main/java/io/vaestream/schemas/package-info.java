/**
 * What the trainer and the detector agree on: the {@link io.vaestream.schemas.ImageContract} that
 * turns images into model input, and the pixel formats an event may carry.
 */
package io.vaestream.schemas;
