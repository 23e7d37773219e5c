#!/usr/bin/env python3
"""Bisecting the cell 5 gap (docs/keras-parity.md): Keras 3 trains seed cell 5 from initial weights written by
`node tooling/reference/steadygrad-bn.mjs --dump-init DIR` (its own shuffling, seeded per seed), or writes its
own initial weights in that layout (`--dump-init`) for steadygrad to start from (`steadygrad-bn.mjs --init-from`).

  nice -n 5 /path/to/venv/bin/python tooling/reference/cell5-swap.py --seeds 42-51 --init-from DIR [--out x.jsonl]
  nice -n 5 /path/to/venv/bin/python tooling/reference/cell5-swap.py --seeds 42-51 --dump-init DIR
Layout: DIR/<seed>/<i>.f32 (little-endian float32, the i-th of get_weights()) and DIR/<seed>/shapes.json.
"""
import argparse
import json
import os
import time

import numpy as np
from bn import build
from common import fashion_mnist, fit, keras, parse_seeds


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", default="42-51")
    p.add_argument("--init-from")
    p.add_argument("--dump-init")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--out")
    p.add_argument("--shuffle", choices=["each-epoch", "keras-fit"], default="each-epoch")
    args = p.parse_args()
    (x, y), (xv, yv), (xt, yt) = fashion_mnist()
    for seed in parse_seeds(args.seeds):
        keras.utils.set_random_seed(seed)
        model = build("bn-after-activation")
        if args.dump_init:
            d = os.path.join(args.dump_init, str(seed))
            os.makedirs(d, exist_ok=True)
            weights = model.get_weights()
            for i, w in enumerate(weights):
                w.astype("<f4").tofile(os.path.join(d, f"{i}.f32"))
            with open(os.path.join(d, "shapes.json"), "w") as f:
                json.dump([list(w.shape) for w in weights], f)
            continue
        if args.init_from:
            d = os.path.join(args.init_from, str(seed))
            with open(os.path.join(d, "shapes.json")) as f:
                shapes = json.load(f)
            model.set_weights(
                [np.fromfile(os.path.join(d, f"{i}.f32"), dtype="<f4").reshape(s) for i, s in enumerate(shapes)]
            )
        model.compile(
            loss="sparse_categorical_crossentropy",
            optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
            metrics=["accuracy"],
        )
        started = time.perf_counter()
        h = fit(model, x, y, epochs=args.epochs, batch_size=32, seed=seed, shuffle=args.shuffle,
                validation_data=(xv, yv))
        seconds = (time.perf_counter() - started) / args.epochs
        loss, acc = model.evaluate(xt, yt, batch_size=1000, verbose=0)
        line = json.dumps({
            "system": "keras", "shuffle": args.shuffle, "seed": seed,
            "init": f"from {args.init_from}" if args.init_from else "own",
            "testAccuracy": acc, "testLoss": loss, "finalTrainLoss": h["loss"][-1],
            "valAccuracy": h["val_accuracy"], "loss": h["loss"], "secondsPerEpoch": seconds,
        })
        print(line, flush=True)
        if args.out:
            with open(args.out, "a") as f:
                f.write(line + "\n")


if __name__ == "__main__":
    main()
