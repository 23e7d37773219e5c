#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo mc-dropout`: seed cell 38, MC dropout on the cell 36 dropout MLP.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/mc-dropout.py --seeds 42-44 [--profile quick]
Writes (merges into) tooling/reference/keras/mc-dropout.<profile>.json.

The demo's experiment (apps/demo/src/experiments/mc-dropout.ts, `MC_DROPOUT_PROFILES`) trains the dropout
variant of `regularization` (regularization.py's `build("dropout")`: Dropout 0.2 around Dense 300 -> 100 elu
he_normal, SGD lr 0.01 momentum 0.9, batch 32, validation = the first 5,000 training images) for one seed and
compares its plain test accuracy (dropout off, `evaluate`) with the accuracy of the argmax of the mean of MC
passes with dropout on, over the 10,000 test images in batches of 1,000 (regularization.py's `mc_accuracy`).
Notebook profile: 10 epochs, 100 MC passes (seed cell 38); quick: 3 epochs, 30 passes. The demo runs one seed;
the reference runs several, so that its one value can be judged against their spread.
"""
import time

import regularization
from common import Reference, fashion_mnist, parse_args, summary

PROFILES = {"notebook": {"epochs": 10, "samples": 100}, "quick": {"epochs": 3, "samples": 30}}


def main():
    args = parse_args("mc-dropout", "42-44")
    p = PROFILES[args.profile]
    data = fashion_mnist()
    (x, _), (xv, _), (xt, yt) = data
    settings = {
        **p,
        "recipe": regularization.RECIPES["dropout"],
        "architecture": "Flatten -> Dropout 0.2 -> Dense 300 elu he_normal -> Dropout 0.2 -> Dense 100 elu "
                        "he_normal -> Dropout 0.2 -> Dense 10 softmax (seed cell 36)",
        "batchSize": 32,
        "shuffle": "a new permutation every epoch",
        "trainSize": int(len(x)),
        "validationSize": int(len(xv)),
        "testSize": int(len(xt)),
    }
    ref = Reference("mc-dropout", args.profile, "mc-dropout.py", settings, args.out)
    for seed in args.seeds:
        started = time.perf_counter()
        model, f = regularization.train("dropout", seed, data, epochs=p["epochs"])
        mc = regularization.mc_accuracy(model, xt, yt, p["samples"], seed)
        ref.metric("plainAccuracy", seed, f["testAccuracy"], "test accuracy with dropout off (evaluate)")
        ref.metric("mcAccuracy", seed, mc, f"test accuracy of the mean of {p['samples']} MC-dropout passes")
        ref.metric("seconds", seed, time.perf_counter() - started, "training + MC wall-clock, 1 thread")
        ref.save()
        print(f"seed {seed}: plain {f['testAccuracy']:.4f}, MC {mc:.4f} ({time.perf_counter() - started:.0f} s)",
              flush=True)
    m = ref.doc["metrics"]
    print(f"plain {summary(m['plainAccuracy']['values'])}, MC {summary(m['mcAccuracy']['values'])}", flush=True)


if __name__ == "__main__":
    main()
