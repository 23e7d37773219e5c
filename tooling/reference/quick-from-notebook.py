#!/usr/bin/env python3
"""Writes keras/<experiment>.quick.json from keras/<experiment>.notebook.json for the experiments whose quick
profile changes nothing but the number of steadygrad seeds (bn, clipping, cnn, deep-stats, lr-finder, optimizers,
pretraining, regularization, resume, summary, transfer-cnn:
apps/demo/src/experiments/*.ts, `quick: { seeds: 1 }` or `quick: {}`), so the report finds a reference for both
profiles without training twice. The copy keeps every Keras seed's metrics and the mean curves (the per-seed
curves stay in the notebook file) and says where it comes from (`copiedFrom`).

  /path/to/venv/bin/python tooling/reference/quick-from-notebook.py [experiment ...]
"""
import json
import os
import sys

import jsonfile

HERE = os.path.dirname(os.path.abspath(__file__))
SAME_SETTINGS = ["bn", "clipping", "cnn", "deep-stats", "lr-finder", "optimizers", "pretraining", "regularization", "resume",
                 "summary", "transfer-cnn"]


def main():
    for experiment in sys.argv[1:] or SAME_SETTINGS:
        if experiment not in SAME_SETTINGS:
            sys.exit(f"{experiment}: its quick profile changes more than the seed count; run its script")
        src = os.path.join(HERE, "keras", f"{experiment}.notebook.json")
        if not os.path.exists(src):
            print(f"{experiment}: no notebook reference yet, skipped")
            continue
        with open(src) as f:
            doc = json.load(f)
        doc["profile"] = "quick"
        doc.pop("seedCurves", None)  # the per-seed curves stay in the notebook file
        doc["copiedFrom"] = f"tooling/reference/keras/{experiment}.notebook.json (same settings)"
        dst = os.path.join(HERE, "keras", f"{experiment}.quick.json")
        jsonfile.write(doc, dst)
        print(f"{experiment}: {dst}")


if __name__ == "__main__":
    main()
