#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo transfer`: reusing pretrained layers (seed cells 11-18, Geron 2nd ed.).

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/transfer.py --seeds 42-51 [--profile quick]
  nice -n 5 /path/to/venv/bin/python tooling/reference/transfer.py --a-seeds 43-46 [--profile quick]
Writes (merges into) tooling/reference/keras/transfer.<profile>.json.

Data (Geron's split_dataset): the first 5,000 training images are the validation set; task A = the 8 classes
other than sandal (5) and shirt (6), relabelled 0-7; task B = shirt (1) vs sandal (0), its first 200 training
images, tested on B's 2,000 test images. Model A is trained once, with the first seed; for every seed, model B
from scratch and B-on-A (A's clone without its output + a sigmoid unit: frozen epochs, then unfrozen epochs).
`--a-seeds` trains only model A, once per seed given, and merges those seeds' `modelA.testAccuracy` into the
file (the demo reports model A for its one seed: these give the Keras spread to judge it by).
Batch 32, a new permutation of the samples every epoch (common.fit).

Notebook profile = Geron's notebook: Dense 300-100-50-50-50 SELU (Keras default Glorot uniform), every
phase SGD lr 1e-3, A 20 epochs, B 20 epochs, B-on-A 4 frozen + 16 unfrozen. Quick = the demo's scaled-down
settings: 300-100 ReLU, A 5 epochs at lr 0.01, B and the frozen phase at 0.01, unfrozen at 1e-4.
"""
import time

import numpy as np
from common import Reference, fashion_mnist, fit, keras, parse_args, parse_seeds, summary

PROFILES = {
    "notebook": {
        "hidden": [300, 100, 50, 50, 50],
        "activation": "selu",
        "epochsA": 20,
        "learningRateA": 1e-3,
        "epochsB": 20,
        "learningRateB": 1e-3,
        "frozenEpochs": 4,
        "unfrozenEpochs": 16,
        "lowerLearningRate": 1e-3,
    },
    "quick": {
        "hidden": [300, 100],
        "activation": "relu",
        "epochsA": 5,
        "learningRateA": 1e-2,
        "epochsB": 20,
        "learningRateB": 1e-2,
        "frozenEpochs": 4,
        "unfrozenEpochs": 16,
        "lowerLearningRate": 1e-4,
    },
}


def split_dataset(x, y):
    """Geron's split: (task A images, labels 0-7), (task B images, 1.0 for shirt, 0.0 for sandal)."""
    b = (y == 5) | (y == 6)
    y_a = y[~b].copy()
    y_a[y_a > 6] -= 2
    return (x[~b], y_a), (x[b], (y[b] == 6).astype(np.float32))


def mlp(s, outputs):
    layers = [keras.Input((28, 28)), keras.layers.Flatten()]
    layers += [keras.layers.Dense(n, activation=s["activation"]) for n in s["hidden"]]
    layers.append(keras.layers.Dense(outputs, activation="sigmoid" if outputs == 1 else "softmax"))
    return keras.Sequential(layers)


def sgd(lr):
    return keras.optimizers.SGD(learning_rate=lr)


def a_seeds_option(p):
    p.add_argument("--a-seeds", default=None,
                   help="e.g. 43-46: train only model A, once per seed, and record modelA.testAccuracy for them")


def train_model_a(s, seed, xa, ya, xta, yta):
    """Model A built and trained with `seed`: (model, test accuracy on task A, seconds)."""
    started = time.perf_counter()
    keras.utils.set_random_seed(seed)
    model_a = mlp(s, 8)
    model_a.compile(loss="sparse_categorical_crossentropy", optimizer=sgd(s["learningRateA"]), metrics=["accuracy"])
    fit(model_a, xa, ya, epochs=s["epochsA"], batch_size=32, seed=seed)
    _, acc_a = model_a.evaluate(xta, yta, batch_size=1000, verbose=0)
    return model_a, acc_a, time.perf_counter() - started


def main():
    args = parse_args("transfer", "42-51", a_seeds_option)
    s = PROFILES[args.profile]
    (x, y), _, (xt, yt) = fashion_mnist()
    (xa, ya), (xb, yb) = split_dataset(x, y)
    (xta, yta), (xtb, ytb) = split_dataset(xt, yt)
    xb, yb = xb[:200], yb[:200]
    first = args.seeds[0]
    settings = {**s, "classesB": [5, 6], "sizeB": 200, "batchSize": 32, "modelASeed": first,
                "shuffle": "a new permutation every epoch"}
    ref = Reference("transfer", args.profile, "transfer.py", settings, args.out)

    description = ("model A's test accuracy on task A (the transfer runs use the first seed's; --a-seeds trains "
                   "it again for other seeds, for its spread)")
    if args.a_seeds is not None:
        for seed in parse_seeds(args.a_seeds):
            _, acc_a, seconds = train_model_a(s, seed, xa, ya, xta, yta)
            ref.metric("modelA.testAccuracy", seed, acc_a, description)
            ref.metric("modelA.seconds", seed, seconds, "model A's training wall-clock, 1 thread")
            ref.save()
            print(f"model A, seed {seed}: test accuracy {acc_a:.4f} ({seconds:.0f} s)", flush=True)
        print(f"model A: {summary(ref.doc['metrics']['modelA.testAccuracy']['values'])}", flush=True)
        return

    model_a, acc_a, seconds = train_model_a(s, first, xa, ya, xta, yta)
    ref.metric("modelA.testAccuracy", first, acc_a, description)
    ref.metric("modelA.seconds", first, seconds, "model A's training wall-clock, 1 thread")
    print(f"model A: test accuracy {acc_a:.4f} ({seconds:.0f} s)", flush=True)

    for seed in args.seeds:
        keras.utils.set_random_seed(seed)
        model_b = mlp(s, 1)
        model_b.compile(loss="binary_crossentropy", optimizer=sgd(s["learningRateB"]), metrics=["accuracy"])
        fit(model_b, xb, yb, epochs=s["epochsB"], batch_size=32, seed=seed)
        _, scratch = model_b.evaluate(xtb, ytb, batch_size=1000, verbose=0)

        clone = keras.models.clone_model(model_a)
        clone.set_weights(model_a.get_weights())
        head = keras.layers.Dense(1, activation="sigmoid")
        on_a = keras.Sequential([keras.Input((28, 28)), *clone.layers[:-1], head])
        for layer in on_a.layers[:-1]:
            layer.trainable = False
        on_a.compile(loss="binary_crossentropy", optimizer=sgd(s["learningRateB"]), metrics=["accuracy"])
        rng = np.random.default_rng(seed + 1_000_000)  # B-on-A's own shuffling, across both phases
        fit(on_a, xb, yb, epochs=s["frozenEpochs"], batch_size=32, seed=rng)
        for layer in on_a.layers[:-1]:
            layer.trainable = True
        on_a.compile(loss="binary_crossentropy", optimizer=sgd(s["lowerLearningRate"]), metrics=["accuracy"])
        fit(on_a, xb, yb, epochs=s["unfrozenEpochs"], batch_size=32, seed=rng)
        _, transfer = on_a.evaluate(xtb, ytb, batch_size=1000, verbose=0)

        ref.metric("scratch.testAccuracy", seed, scratch, "model B from scratch: task-B test accuracy")
        ref.metric("transfer.testAccuracy", seed, transfer, "B-on-A after the unfrozen phase: task-B test accuracy")
        m = ref.doc["metrics"]
        sm, tm = np.mean(m["scratch.testAccuracy"]["values"]), np.mean(m["transfer.testAccuracy"]["values"])
        reduction = 1 - (1 - tm) / (1 - sm) if sm < 1 else 0.0
        ref.doc["metrics"]["errorRateReduction"] = {
            "values": [float(reduction)],
            "seeds": m["scratch.testAccuracy"]["seeds"],
            "description": "1 - (1 - mean transfer)/(1 - mean scratch) over the seeds listed (one value)",
        }
        ref.save()
        print(f"seed {seed}: scratch {scratch:.4f}, B-on-A {transfer:.4f}", flush=True)
    m = ref.doc["metrics"]
    scratch, transfer = m["scratch.testAccuracy"]["values"], m["transfer.testAccuracy"]["values"]
    reduction = m["errorRateReduction"]["values"][0]
    print(f"scratch {summary(scratch)}, B-on-A {summary(transfer)}, error rate reduction {reduction:.3f}", flush=True)


if __name__ == "__main__":
    main()
