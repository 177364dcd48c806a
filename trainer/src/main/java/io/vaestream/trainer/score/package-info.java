/**
 * What makes a score: the parts (the VAE's blurred reconstruction error, nearest-neighbour
 * distances in a {@link io.vaestream.trainer.score.MemoryBank} of training normals), their
 * standardisation on held-out normals, and the conformal {@link io.vaestream.trainer.score.Threshold},
 * all from normal images only unless an option says otherwise.
 */
package io.vaestream.trainer.score;
