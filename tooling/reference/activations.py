#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo activations`: the seed's activation ranking
(SELU > ELU > PReLU > ReLU > tanh > logistic) on a deep MLP.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/activations.py --profile quick --seeds 42-44
Writes (merges into) tooling/reference/keras/activations.<profile>.json.

As the demo: `depth` Dense(100) layers, each with the initializer its activation pairs with (Glorot uniform
for sigmoid/tanh, He normal for the ReLU family, ELU and PReLU, LeCun normal for SELU; PReLU = linear Dense +
`PReLU` with zero-initialized slopes; leaky ReLU slope 0.2), a Dense(10, softmax) head, SGD lr 1e-3 momentum
0.9, batch 32 (a new permutation every epoch), per-pixel standardized images (statistics of the training
images), test accuracy.
Quick profile = the demo's: 20 layers, the first 5,000 training images, 3 epochs, the 10,000 test images.
Notebook profile (Geron's deep-net comparison): 100 layers, the 55,000 images after the validation set,
5 epochs -- about 40 minutes per seed for the 7 activations on one thread.
"""
import time

import numpy as np
from common import Reference, fashion_mnist, fit, keras, parse_args, summary

ACTIVATIONS = [
    ("sigmoid", "glorot_uniform"),
    ("tanh", "glorot_uniform"),
    ("relu", "he_normal"),
    ("leaky_relu", "he_normal"),
    ("prelu", "he_normal"),
    ("elu", "he_normal"),
    ("selu", "lecun_normal"),
]


def build(activation, initializer, depth, units, inputs):
    L = keras.layers
    layers = [keras.Input((inputs,))]
    for _ in range(depth):
        if activation == "prelu":
            layers += [L.Dense(units, kernel_initializer=initializer), L.PReLU()]
        elif activation == "leaky_relu":
            layers += [L.Dense(units, kernel_initializer=initializer), L.LeakyReLU(negative_slope=0.2)]
        else:
            layers.append(L.Dense(units, activation=activation, kernel_initializer=initializer))
    layers.append(L.Dense(10, activation="softmax"))
    return keras.Sequential(layers)


def main():
    args = parse_args("activations", "42-44")
    (x, y), (xv, yv), (xt, yt) = fashion_mnist()
    if args.profile == "quick":
        # The demo's quick run takes the first 5,000 images of the whole training set (no validation split).
        x, y = np.concatenate([xv, x])[:5000], np.concatenate([yv, y])[:5000]
        depth, epochs = 20, 3
    else:
        depth, epochs = 100, 5
    x, xt = x.reshape(len(x), -1), xt.reshape(len(xt), -1)
    mean = x.astype(np.float64).mean(axis=0)
    std = x.astype(np.float64).std(axis=0)
    std[std <= 1e-6] = 1.0
    x = ((x - mean) / std).astype(np.float32)
    xt = ((xt - mean) / std).astype(np.float32)
    settings = {
        "depth": depth,
        "units": 100,
        "epochs": epochs,
        "batchSize": 32,
        "shuffle": "a new permutation every epoch",
        "learningRate": 1e-3,
        "momentum": 0.9,
        "trainSize": int(len(x)),
        "testSize": int(len(xt)),
        "standardized": "per pixel, training-set statistics",
    }
    ref = Reference("activations", args.profile, "activations.py", settings, args.out)
    for activation, initializer in ACTIVATIONS:
        for seed in args.seeds:
            keras.utils.set_random_seed(seed)
            model = build(activation, initializer, depth, 100, x.shape[1])
            model.compile(
                loss="sparse_categorical_crossentropy",
                optimizer=keras.optimizers.SGD(learning_rate=1e-3, momentum=0.9),
                metrics=["accuracy"],
            )
            started = time.perf_counter()
            h = fit(model, x, y, epochs=epochs, batch_size=32, seed=seed)
            seconds = time.perf_counter() - started
            _, acc = model.evaluate(xt, yt, batch_size=1000, verbose=0)
            ref.metric(f"{activation}.testAccuracy", seed, acc, f"test accuracy, {activation} + {initializer}")
            ref.metric(f"{activation}.finalTrainLoss", seed, h["loss"][-1], "training loss of the last epoch")
            ref.metric(f"{activation}.seconds", seed, seconds, "fit wall-clock, 1 thread")
            ref.save()
            print(f"{activation} seed {seed}: test {acc:.4f}, loss {h['loss'][-1]:.4f}, {seconds:.0f} s", flush=True)
        print(f"{activation}: {summary(ref.doc['metrics'][f'{activation}.testAccuracy']['values'])}", flush=True)


if __name__ == "__main__":
    main()
