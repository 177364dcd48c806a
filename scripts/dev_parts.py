#!/usr/bin/env python3
"""Other score parts, tried beside a development run of `evaluate`, in the run's own fused score.

For each class the run's four parts (VAE blurred error, kNN on pixels, kNN on gradients, the map's
peak) and their held-out values come from its test-scores.json; a candidate part is computed here
on the same images (scripts/DevDump.java writes them, with the model's reconstructions and latent
means), standardised on the same held-out normals, and put in the smooth maximum: added as a fifth
part, or in place of the part it varies. Image AUROC in percent, mean over classes, then per class.

    java -cp "$(ls tools/target/vaestream-tools-*.jar):$(cat tools/target/classpath.txt)" \\
        scripts/DevDump.java fashion-mnist:train runs/dev-fmtrain-fused 1 runs/dev-fmtrain-dump
    python3 scripts/dev_parts.py runs/dev-fmtrain-dump runs/dev-fmtrain-fused 1 [NAME]

NAME keeps the candidates whose name contains it. Parts computed elsewhere are read from the dump
folder when their files are there (FILE_PARTS: scripts/RotationPart.java writes one).

The script first recomputes three of the run's parts and stops if they differ: that checks that it
scores the very images the run scored.
"""
import json
import os
import sys

sys.path.append("/usr/lib/python3/dist-packages")  # Debian's numpy beside another Python
import numpy as np

import knn_features as kf  # beside this script

SHIPPED = ["reconstruction_error", "knn_pixels", "knn_gradients", "map_peak"]


def shifted(x, r=1):
    """The 9 copies of x moved by up to r pixels, zero-filled."""
    _, _, h, w = x.shape
    p = np.pad(x, ((0, 0), (0, 0), (r, r), (r, r)))
    return [p[:, :, r + dy:r + dy + h, r + dx:r + dx + w]
            for dy in range(-r, r + 1) for dx in range(-r, r + 1)]


# Every candidate is fitted once to a class's bank (its images, reconstructions and latent means)
# and then scores any images with theirs: the bank's side is computed once for the test images and
# the held-out ones.

def knn_on(features):
    """The kNN distance in a feature space."""
    def fit(b, rb, mb):
        fb = features(b)
        return lambda q, rq, mq: kf.knn(fb, features(q))
    return fit


def knn_shifted(features):
    """The kNN distance of the best of the image's 9 one-pixel shifts."""
    def fit(b, rb, mb):
        fb = features(b)
        return lambda q, rq, mq: np.min([kf.knn(fb, features(s)) for s in shifted(q)], 0)
    return fit


def local_gradients(b, rb, mb, cells=4):
    """The largest, over the 16 cells, of the kNN distance of that cell's 8 orientations."""
    gb = kf.gradients(b, cells).reshape(len(b), 8, -1)

    def score(q, rq, mq):
        gq = kf.gradients(q, cells).reshape(len(q), 8, -1)
        return np.max([kf.knn(gb[:, :, j], gq[:, :, j]) for j in range(gb.shape[2])], 0)
    return score


def neighbours(bank, q, k=5, self_excluded=False):
    norms = (bank ** 2).sum(1)
    dist, idx = [], []
    for i in range(0, len(q), 1000):
        d = np.maximum((q[i:i + 1000] ** 2).sum(1)[:, None] + norms[None] - 2 * q[i:i + 1000] @ bank.T, 0)
        if self_excluded:
            d[np.arange(len(d)), np.arange(i, i + len(d))] = np.inf
        j = np.argpartition(d, k - 1, axis=1)[:, :k]
        dist.append(np.take_along_axis(d, j, 1))
        idx.append(j)
    return np.concatenate(dist), np.concatenate(idx)


def local_outlier(features):
    """The kNN distance over the neighbours' own kNN distance in the bank (after LOF)."""
    def fit(b, rb, mb):
        fb = features(b)
        own = neighbours(fb, fb, self_excluded=True)[0].mean(1)

        def score(q, rq, mq):
            d, j = neighbours(fb, features(q))
            return d.mean(1) / np.maximum(own[j].mean(1), 1e-6)
        return score
    return fit


def joint(b, rb, mb):
    """One kNN search on pixels and gradients together, each in units of its typical distance."""
    pb, gb = kf.pixels(b), kf.gradients(b)
    sp, sg = np.sqrt(kf.knn(pb, pb[:300], 6).mean()), np.sqrt(kf.knn(gb, gb[:300], 6).mean())
    bank = np.hstack([pb / sp, gb / sg])
    return lambda q, rq, mq: kf.knn(bank, np.hstack([kf.pixels(q) / sp, kf.gradients(q) / sg]))


def pixels_7x7(x):
    return kf.pool(kf.correlate(x, kf.GAUSSIAN), 4).reshape(len(x), -1)


def latent_knn(b, rb, mb):
    return lambda q, rq, mq: kf.knn(mb, mq)


def mahalanobis(b, rb, mb):
    m = mb.mean(0)
    p = np.linalg.inv(np.cov(mb.T) + 1e-6 * np.eye(mb.shape[1]))
    return lambda q, rq, mq: np.einsum("ij,jk,ik->i", mq - m, p, mq - m)


def inverse(sigma):
    """As MapScale: 1/σ with a floor of a tenth of the mean σ, and at least 1/255."""
    return 1 / np.maximum(max(1 / 255, 0.1 * sigma.mean()), sigma)


def blur(a):
    return kf.correlate(a, kf.GAUSSIAN)


def scaled_peak(template):
    """The map's peak with the residual in units of its spread on 1,000 bank images, as MapScale."""
    def fit(b, rb, mb):
        s = inverse(np.sqrt(((b[:1000] - rb[:1000]) ** 2).mean(0)))
        mean, spread = b[:1000].mean(0), inverse(b[:1000].std(0))

        def score(q, rq, mq):
            m = blur((q - rq) * s) ** 2
            if template:
                m = m + blur((q - mean) * spread) ** 2
            return m.max((1, 2, 3))
        return score
    return fit


def blurred_scaled_peak(b, rb, mb):
    """The shipped map (the blurred residual, squared) in units of its own spread on 1,000 bank
    images, pixel by pixel: one multiplication more than the shipped map, no further blur."""
    s = inverse(np.sqrt((blur(b[:1000] - rb[:1000]) ** 2).mean(0)))
    return lambda q, rq, mq: ((blur(q - rq) * s) ** 2).max((1, 2, 3))


def vae_error(sigma, power=2):
    """The VAE's residual blurred with a Gaussian of σ px (none for 0), mean of its power."""
    kernel = kf.gaussian(sigma, max(1, int(np.ceil(3 * sigma))))

    def fit(b, rb, mb):
        return lambda q, rq, mq: (np.abs(kf.correlate(q - rq, kernel)) ** power).mean((1, 2, 3))
    return fit


# name: (the shipped part it varies, or None; fit(bank, reconstructions, means) -> score(images, ...))
CANDIDATES = {
    "kNN pixels, best of 9 shifts": ("knn_pixels", knn_shifted(kf.pixels)),
    "kNN gradients, best of 9 shifts": ("knn_gradients", knn_shifted(kf.gradients)),
    "kNN pixels, 7 x 7 pooled": ("knn_pixels", knn_on(pixels_7x7)),
    "kNN gradients, worst cell": ("knn_gradients", local_gradients),
    "kNN pixels, local outlier": ("knn_pixels", local_outlier(kf.pixels)),
    "kNN gradients, local outlier": ("knn_gradients", local_outlier(kf.gradients)),
    "kNN pixels and gradients, one search": ("knn_pixels", joint),
    "kNN latent means": ("knn_gradients", latent_knn),
    "Mahalanobis latent means": ("knn_gradients", mahalanobis),
    "map peak, residual in units of its spread": ("map_peak", scaled_peak(False)),
    "map peak, MapScale's map": ("map_peak", scaled_peak(True)),
    "map peak, blurred residual in units of its spread": ("map_peak", blurred_scaled_peak),
    "VAE error, no blur": ("reconstruction_error", vae_error(0)),
    "VAE error, blur 0.5 px": ("reconstruction_error", vae_error(0.5)),
    "VAE error, blur 1.5 px": ("reconstruction_error", vae_error(1.5)),
    "VAE error, blur 2 px": ("reconstruction_error", vae_error(2)),
    "VAE error, blur 3 px": ("reconstruction_error", vae_error(3)),
    "VAE error, blur 1 px, absolute": ("reconstruction_error", vae_error(1, 1)),
    "VAE error, blur 1 px, fourth power": ("reconstruction_error", vae_error(1, 4)),
}

# name: the suffix of class-C-calib-SUFFIX.f32 and class-C-test-SUFFIX.f32 in the dump folder
FILE_PARTS = {"rotation classifier (scripts/RotationPart.java)": "rotation"}


def standardised(part, held_out):
    return (np.asarray(part) - np.mean(held_out)) / np.std(held_out)


def smooth_max(zs, temperature=1.0):
    """temperature × log Σ exp(z / temperature): the maximum as it tends to 0, the sum's order as it grows."""
    zs = np.stack(zs) / temperature
    top = zs.max(0)
    return temperature * (top + np.log(np.exp(zs - top).sum(0)))


def main():
    dump, run, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    only = sys.argv[4] if len(sys.argv) > 4 else ""

    def load(name, n=None):
        a = np.fromfile(os.path.join(dump, name), "<f4")
        return a.reshape(-1, 1, 28, 28) if n is None else a.reshape(n, -1)

    x = load("test.f32")
    labels = np.fromfile(os.path.join(dump, "test-labels.i32"), "<i4")
    rows = {}
    for c in sorted(set(labels)):
        cell = json.load(open(f"{run}/class-{c}-seed-{seed}/test-scores.json"))
        parts, held = cell["parts"], cell["calibration_parts"]
        y = np.array(cell["anomalous"])
        assert (y == (labels != c)).all(), "the dump's test labels are not the run's"
        b, cal = load(f"class-{c}-bank.f32"), load(f"class-{c}-calib.f32")
        rb, rc, rt = (load(f"class-{c}-{s}-rec.f32") for s in ("bank", "calib", "test"))
        mb, mc, mt = (load(f"class-{c}-{s}-mu.f32", n) for s, n in (("bank", len(b)), ("calib", len(cal)), ("test", len(x))))
        check = {"knn_pixels": kf.knn(kf.pixels(b), kf.pixels(x[:500])),
                 "reconstruction_error": (blur(x[:500] - rt[:500]) ** 2).mean((1, 2, 3)),
                 "map_peak": (blur(x[:500] - rt[:500]) ** 2).max((1, 2, 3))}
        for k, v in check.items():
            if not np.allclose(v, parts[k][:500], rtol=1e-3, atol=1e-6):
                sys.exit(f"class {c}: part {k} differs from the run's; is this the run's dump?")
        z = {k: standardised(parts[k], held[k]) for k in SHIPPED}

        def add(name, score):
            rows.setdefault(name, []).append(100 * kf.auroc(score, y))

        add("shipped (smooth maximum of four)", smooth_max([z[k] for k in SHIPPED]))
        add("the sum of the first three (fused-sum)", sum(z[k] for k in SHIPPED[:3]))
        for k in SHIPPED:
            add(f"  {k} alone", z[k])
        def try_part(name, varies, zc):
            add(f"{name}: alone", zc)
            add(f"{name}: a fifth part", smooth_max([z[k] for k in SHIPPED] + [zc]))
            if varies is not None:
                add(f"{name}: for {varies}", smooth_max([z[k] for k in SHIPPED if k != varies] + [zc]))
            add(f"{name}: added to the sum of three", sum(z[k] for k in SHIPPED[:3]) + zc)

        for name, (varies, fit) in CANDIDATES.items():
            if only in name:
                score = fit(b, rb, mb)
                try_part(name, varies, standardised(score(x, rt, mt), score(cal, rc, mc)))
        if os.path.exists(os.path.join(dump, f"class-{c}-test-logvar.f32")) and only in "VAE's own score with KL":
            # The VAE's own score with its other loss term: KL(q(z|x) ‖ N(0, I)), standardised alike.
            def kl(s, m):
                v = load(f"class-{c}-{s}-logvar.f32", len(m))
                return 0.5 * (m ** 2 + np.exp(v) - 1 - v).sum(1)
            zk = standardised(kl("test", mt), kl("calib", mc))
            ze = z["reconstruction_error"]
            add("VAE's own score with KL: KL alone", zk)
            add("VAE's own score with KL: blurred error + KL", ze + zk)
            add("VAE's own score with KL: smooth maximum of the two", smooth_max([ze, zk]))
            add("VAE's own score with KL: blurred error + KL / 2", ze + zk / 2)
        for name, suffix in FILE_PARTS.items():
            if only in name and os.path.exists(os.path.join(dump, f"class-{c}-test-{suffix}.f32")):
                try_part(name, None, standardised(load(f"class-{c}-test-{suffix}.f32", len(x))[:, 0],
                                                  load(f"class-{c}-calib-{suffix}.f32", len(cal))[:, 0]))
        print(f"class {c} done", file=sys.stderr, flush=True)
    for name, v in rows.items():
        print(f"{name:58s} {np.mean(v):6.2f}   " + " ".join(f"{a:5.1f}" for a in v), flush=True)


if __name__ == "__main__":
    main()
