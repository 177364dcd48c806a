#!/usr/bin/env python3
"""Rules that combine the fused score's parts, compared on the development sets, from parts
already computed: the same models, the same held-out normals, only the rule differs.

    python3 scripts/dev_rules.py digits=runs/dev-mnist-lse:1,2,3:runs/dev-mnist-dump-{seed} \\
        fashion-train=runs/dev-fmtrain-fused:1:runs/dev-fmtrain-dump \\
        fabric=runs/dev-maps-fabric/model/parts.csv wood=runs/dev-maps-wood/model/parts.csv

A grey set is an `evaluate` run (NAME=RUN:SEEDS), whose test-scores.json files hold each part for
the test images and the held-out normals; a third field names the scripts/DevDump.java folder
where scripts/RotationPart.java left its rotation classifier's part, if it did. A colour set is a
parts.csv that scripts/DevMapsDump.java wrote for an `evaluate-maps` model. Image AUROC in percent,
mean over classes and seeds. Every part is standardised with its held-out normals' mean and
spread, as the graph does; labels are used only for the AUROC.
"""
import csv
import json
import os
import sys

sys.path.append("/usr/lib/python3/dist-packages")  # Debian's numpy beside another Python
import numpy as np

import knn_features as kf  # beside this script
from dev_parts import smooth_max, standardised

PARTS = ["reconstruction_error", "knn_pixels", "knn_gradients", "map_peak"]
THREE = PARTS[:3]


def grey_cells(run, seeds, dump):
    for seed in seeds:
        for cell in sorted(d for d in os.listdir(run) if d.endswith(f"-seed-{seed}")):
            scores = json.load(open(os.path.join(run, cell, "test-scores.json")))
            test = {k: np.array(scores["parts"][k]) for k in PARTS}
            held = {k: np.array(scores["calibration_parts"][k]) for k in PARTS}
            c = cell.split("-")[1]
            folder = dump.format(seed=seed) if dump else None
            if folder and os.path.exists(os.path.join(folder, f"class-{c}-test-rotation.f32")):
                test["rotation"] = np.fromfile(os.path.join(folder, f"class-{c}-test-rotation.f32"), "<f4")
                held["rotation"] = np.fromfile(os.path.join(folder, f"class-{c}-calib-rotation.f32"), "<f4")
                assert len(held["rotation"]) == len(held[PARTS[0]]), f"{folder}: not this run's held-out images"
            yield test, held, np.array(scores["anomalous"], bool)


def colour_cells(path):
    rows = list(csv.DictReader(open(path)))
    test = {k: np.array([float(r[k]) for r in rows if r["set"] == "test"]) for k in PARTS}
    held = {k: np.array([float(r[k]) for r in rows if r["set"] == "held-out"]) for k in PARTS}
    yield test, held, np.array([r["anomalous"] == "1" for r in rows if r["set"] == "test"])


def tail(values, held):
    """-log of the share of held-out normals at or above each value (Fisher's method adds these)."""
    above = len(held) - np.searchsorted(np.sort(held), values, side="left")
    return -np.log((above + 1) / (len(held) + 1)) + 1e-3 * standardised(values, held)  # ties by z


def rules(test, held):
    z = {k: standardised(test[k], held[k]) for k in test}
    zh = {k: standardised(held[k], held[k]) for k in held}

    def summed(keys):  # a sum of parts, standardised again on the held-out normals
        return standardised(sum(z[k] for k in keys), sum(zh[k] for k in keys))

    # the rotation classifier joins only where it learnt its task on held-out normals
    rotation = ["rotation"] if "rotation" in held and held["rotation"].mean() < 0.5 * np.log(8) else []
    found = {
        "shipped: smooth maximum of four": smooth_max([z[k] for k in PARTS]),
        "sum of three (fused-sum)": sum(z[k] for k in THREE),
        "sum of four": sum(z[k] for k in PARTS),
        "maximum of four": np.max([z[k] for k in PARTS], 0),
    }
    for t in (2, 4):
        found[f"smooth maximum of four, temperature {t}"] = smooth_max([z[k] for k in PARTS], t)
    found["smooth maximum of (sum of three, map's peak)"] = smooth_max([summed(THREE), z["map_peak"]])
    found["smooth maximum of (sum of three, map's peak, kNN pixels)"] = smooth_max(
        [summed(THREE), z["map_peak"], z["knn_pixels"]])
    tails = np.array([tail(test[k], held[k]) for k in PARTS])
    found["Fisher's method on held-out tail shares"] = tails.sum(0)
    found["smallest held-out tail share"] = tails.max(0)
    zt, zhm = np.stack([z[k] for k in PARTS], 1), np.stack([zh[k] for k in PARTS], 1)
    inverse = np.linalg.inv(np.cov(zhm.T) + 1e-6 * np.eye(len(PARTS)))
    above = np.maximum(zt, 0)
    found["Mahalanobis of the parts above their mean"] = np.einsum("ij,jk,ik->i", above, inverse, above)
    found["rotation classifier, gated: smooth maximum of five"] = smooth_max([z[k] for k in PARTS + rotation])
    found["rotation classifier, gated: sum of three + it"] = sum(z[k] for k in THREE + rotation)
    # the gate picks the rule as well: where the classifier learnt its task (objects in a pose),
    # the parts add up; where it did not (isotropic surfaces), the shipped smooth maximum stays
    found["rotation classifier, gated rule: sum of three + it, else shipped"] = (
        sum(z[k] for k in THREE + rotation) if rotation else found["shipped: smooth maximum of four"])
    return found


def main():
    results, names = {}, []
    for arg in sys.argv[1:]:
        name, source = arg.split("=", 1)
        names.append(name)
        if source.endswith(".csv"):
            cells = colour_cells(source)
        else:
            fields = source.split(":")
            cells = grey_cells(fields[0], fields[1].split(","), fields[2] if len(fields) > 2 else None)
        for test, held, anomalous in cells:
            for rule, score in rules(test, held).items():
                results.setdefault(rule, {}).setdefault(name, []).append(100 * kf.auroc(score, anomalous))
    print(f"{'rule':60s}" + "".join(f"{n:>14s}" for n in names))
    for rule, by_set in results.items():
        print(f"{rule:60s}" + "".join(f"{np.mean(by_set[n]):14.2f}" for n in names))


if __name__ == "__main__":
    main()
