#!/usr/bin/env python3
"""Candidates for the VAE's own score (no memory bank: the image and its reconstruction only),
tried on a development run's dump beside the shipped one, the residual blurred at σ = 1 px.

Each candidate is standardised on the run's held-out normals, as the product does; a pair of
candidates is their standardised sum. Image AUROC in percent, mean over classes, then per class.

    python3 scripts/dev_own.py runs/dev-fmtrain-dump runs/dev-fmtrain-b025 1 [NAME]

NAME keeps the candidates whose name contains it (the shipped part is always there).

The dump comes from scripts/DevDump.java (see dev_parts.py); the script checks, as dev_parts.py
does, that the shipped part it recomputes is the run's.
"""
import json
import os
import sys

sys.path.append("/usr/lib/python3/dist-packages")  # Debian's numpy beside another Python
import numpy as np

import knn_features as kf  # beside this script
from dev_parts import blur, standardised, vae_error  # beside this script


def blurred(q, r):
    return (blur(q - r) ** 2).mean((1, 2, 3))


def gradient_residual(cells):
    """The squared distance between the image's and the reconstruction's gradient-orientation
    features (8 rectified Sobel orientations, averaged over a cells × cells grid)."""
    return lambda q, r: ((kf.gradients(q, cells) - kf.gradients(r, cells)) ** 2).sum(1)


def sobel_residual(q, r):
    """The blurred residual of the gradients themselves, pixel by pixel."""
    d = q - r
    gx, gy = kf.correlate(d, kf.SOBEL_X), kf.correlate(d, kf.SOBEL_X.T)
    return (blur(gx) ** 2 + blur(gy) ** 2).mean((1, 2, 3))


def dissimilarity(q, r, c1=0.01 ** 2, c2=0.03 ** 2):
    """1 − SSIM, local statistics under a Gaussian window of σ = 1.5 px."""
    g = kf.gaussian(1.5, 4)
    mq, mr = kf.correlate(q, g), kf.correlate(r, g)
    vq = kf.correlate(q * q, g) - mq ** 2
    vr = kf.correlate(r * r, g) - mr ** 2
    cov = kf.correlate(q * r, g) - mq * mr
    s = ((2 * mq * mr + c1) * (2 * cov + c2)) / ((mq ** 2 + mr ** 2 + c1) * (vq + vr + c2))
    return 1 - s.mean((1, 2, 3))


def in_units(b, rb, mb):
    """The blurred residual in units of its spread on 1,000 training normals, pixel by pixel (a
    per-pixel variance, as MapScale's: statistics of the normals, not a memory bank)."""
    s = 1 / np.maximum(np.sqrt((blur(b[:1000] - rb[:1000]) ** 2).mean(0)), 1 / 255)
    return lambda q, rq, mq: ((blur(q - rq) * s) ** 2).mean((1, 2, 3))


def unfitted(part):
    """A part of the image and its reconstruction alone, in dev_parts.py's candidate shape."""
    return lambda b, rb, mb: lambda q, rq, mq: part(q, rq)


SHIPPED = "blur 1 px (shipped)"
# name: fit(training normals, reconstructions, latent means) -> part(images, reconstructions, means),
# as dev_parts.py's candidates
CANDIDATES = {
    SHIPPED: unfitted(blurred),
    "blur 2 px": vae_error(2),
    "gradient features 4 x 4": unfitted(gradient_residual(4)),
    "gradient features 7 x 7": unfitted(gradient_residual(7)),
    "gradient features 14 x 14": unfitted(gradient_residual(14)),
    "Sobel residual, blurred": unfitted(sobel_residual),
    "1 - SSIM": unfitted(dissimilarity),
    "blur 1 px, in units of its spread": in_units,
}


def main():
    dump, run, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    only = sys.argv[4] if len(sys.argv) > 4 else ""

    def load(name):
        return np.fromfile(os.path.join(dump, name), "<f4").reshape(-1, 1, 28, 28)

    x = load("test.f32")
    labels = np.fromfile(os.path.join(dump, "test-labels.i32"), "<i4")
    rows = {}
    for c in sorted(set(labels)):
        cell = json.load(open(f"{run}/class-{c}-seed-{seed}/test-scores.json"))
        y = np.array(cell["anomalous"])
        assert (y == (labels != c)).all(), "the dump's test labels are not the run's"
        cal = load(f"class-{c}-calib.f32")
        rc, rt = load(f"class-{c}-calib-rec.f32"), load(f"class-{c}-test-rec.f32")
        if not np.allclose(blurred(x[:500], rt[:500]), cell["parts"]["reconstruction_error"][:500],
                           rtol=1e-3, atol=1e-6):
            sys.exit(f"class {c}: the blurred error differs from the run's; is this the run's dump?")
        b, rb = load(f"class-{c}-bank.f32"), load(f"class-{c}-bank-rec.f32")
        parts = {k: fit(b, rb, None) for k, fit in CANDIDATES.items() if k == SHIPPED or only in k}
        z = {k: standardised(f(x, rt, None), f(cal, rc, None)) for k, f in parts.items()}
        for k, v in z.items():
            rows.setdefault(k, []).append(100 * kf.auroc(v, y))
            if k != SHIPPED:
                rows.setdefault(f"{SHIPPED} + {k}", []).append(100 * kf.auroc(z[SHIPPED] + v, y))
        print(f"class {c} done", file=sys.stderr, flush=True)
    for name, v in rows.items():
        print(f"{name:58s} {np.mean(v):6.2f}   " + " ".join(f"{a:5.1f}" for a in v), flush=True)


if __name__ == "__main__":
    main()
