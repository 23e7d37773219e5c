#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo bn`: seed cells 5 and 8 against the plain MLP of cell 11.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/bn.py --seeds 42-51 [--variants bn-after-activation]
Writes (merges into) tooling/reference/keras/bn.<profile>.json.

Each seed: `keras.utils.set_random_seed(seed)`, build, SGD lr 0.01 momentum 0.9, `fit` batch 32 with
shuffling each epoch and the first 5,000 training images as validation data, test accuracy on the 10,000 test
images. Notebook profile: 5 epochs on the other 55,000 images; quick: the first 5,000 of them, 2 epochs.
"""
import time

from common import Reference, fashion_mnist, keras, parse_args, summary

VARIANTS = ["plain", "bn-after-activation", "bn-before-activation"]


def build(variant):
    """The demo's models.ts: seedCell11Model, seedCell5Model, seedCell8Model (Dense without bias before BN)."""
    L = keras.layers
    if variant == "plain":
        layers = [L.Dense(300, activation="relu"), L.Dense(100, activation="relu")]
    elif variant == "bn-after-activation":
        layers = [
            L.BatchNormalization(),
            L.Dense(300, activation="relu", kernel_initializer="he_normal"),
            L.BatchNormalization(),
            L.Dense(100, activation="relu", kernel_initializer="he_normal"),
            L.BatchNormalization(),
        ]
    else:
        layers = [
            L.BatchNormalization(),
            L.Dense(300, kernel_initializer="he_normal", use_bias=False),
            L.BatchNormalization(),
            L.Activation("elu"),
            L.Dense(100, kernel_initializer="he_normal", use_bias=False),
            L.BatchNormalization(),
            L.Activation("elu"),
        ]
    return keras.Sequential([keras.Input((28, 28)), L.Flatten(), *layers, L.Dense(10, activation="softmax")])


def main():
    args = parse_args(
        "bn",
        "42-51",
        lambda p: p.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated"),
    )
    (x, y), (xv, yv), (xt, yt) = fashion_mnist()
    if args.profile == "quick":
        x, y, epochs = x[:5000], y[:5000], 2
    else:
        epochs = 5
    settings = {
        "epochs": epochs,
        "batchSize": 32,
        "learningRate": 0.01,
        "momentum": 0.9,
        "trainSize": int(len(x)),
        "validationSize": int(len(xv)),
        "testSize": int(len(xt)),
        "shuffle": "each epoch (Keras fit)",
    }
    ref = Reference("bn", args.profile, "bn.py", settings, args.out)
    for variant in args.variants.split(","):
        for seed in args.seeds:
            keras.utils.set_random_seed(seed)
            model = build(variant)
            model.compile(
                loss="sparse_categorical_crossentropy",
                optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                metrics=["accuracy"],
            )
            started = time.perf_counter()
            h = model.fit(x, y, epochs=epochs, batch_size=32, validation_data=(xv, yv), verbose=0).history
            seconds = (time.perf_counter() - started) / epochs
            _, acc = model.evaluate(xt, yt, batch_size=1000, verbose=0)
            ref.metric(f"{variant}.testAccuracy", seed, acc, f"test accuracy of the {variant} model")
            ref.metric(f"{variant}.finalTrainLoss", seed, h["loss"][-1], "training loss of the last epoch")
            ref.metric(f"{variant}.secondsPerEpoch", seed, seconds, "fit wall-clock per epoch, 1 thread")
            ref.curve("bn.valAccuracy", variant, seed, h["val_accuracy"])
            ref.curve("bn.loss", variant, seed, h["loss"])
            ref.save()
            print(f"{variant} seed {seed}: test {acc:.4f}, val {h['val_accuracy'][-1]:.4f}, {seconds:.1f} s/epoch",
                  flush=True)
        print(f"{variant}: {summary(ref.doc['metrics'][f'{variant}.testAccuracy']['values'])}", flush=True)


if __name__ == "__main__":
    main()
