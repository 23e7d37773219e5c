#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo summary`: seed cell 6, `model.summary()` of the cell 5 BN-MLP.

Run from the repository root: /path/to/venv/bin/python tooling/reference/summary.py
Writes tooling/reference/keras/summary.notebook.json (no data, no training; the seed does not matter).
"""
from common import Reference, keras, parse_args


def main():
    args = parse_args("summary", "42")
    seed = args.seeds[0]
    keras.utils.set_random_seed(seed)
    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input((28, 28)),
            L.Flatten(),
            L.BatchNormalization(),
            L.Dense(300, activation="relu", kernel_initializer="he_normal"),
            L.BatchNormalization(),
            L.Dense(100, activation="relu", kernel_initializer="he_normal"),
            L.BatchNormalization(),
            L.Dense(10, activation="softmax"),
        ]
    )
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    non_trainable = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    ref = Reference("summary", args.profile, "summary.py", {"model": "seed cell 5 BN-MLP"}, args.out)
    ref.metric("totalParams", seed, trainable + non_trainable, "model.count_params()")
    ref.metric("trainableParams", seed, trainable, "parameters of trainable_weights")
    ref.metric("nonTrainableParams", seed, non_trainable, "BN moving means and variances")
    for i, layer in enumerate(model.layers):
        ref.metric(f"layers.{i}.params", seed, layer.count_params(), f"{layer.name}: parameters")
    ref.save()
    print(f"total {trainable + non_trainable}, trainable {trainable}, non-trainable {non_trainable}")


if __name__ == "__main__":
    main()
