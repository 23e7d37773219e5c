#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo bn`: seed cells 5 and 8 against the plain MLP of cell 11.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/bn.py --seeds 42-51 [--variants bn-after-activation]
Writes (merges into) tooling/reference/keras/bn.<profile>.json.

Each seed: `keras.utils.set_random_seed(seed)`, build, SGD lr 0.01 momentum 0.9, `fit` batch 32 with a new
permutation of the samples every epoch (common.fit) and the first 5,000 training images as validation data, test
accuracy on the 10,000 test images. `--shuffle keras-fit` records Keras's own `fit(shuffle=True)` instead, which
repeats one order every epoch once a seed is set (metric ids suffixed `.kerasFitShuffle`).
Both profiles: 5 epochs on the other 55,000 images (the demo's quick profile only runs fewer seeds).
"""
import time

from common import Reference, fashion_mnist, fit, keras, parse_args, seed_cell5_model, summary

VARIANTS = ["plain", "bn-after-activation", "bn-before-activation"]


def build(variant):
    """The demo's models.ts: seedCell11Model, seedCell5Model, seedCell8Model (Dense without bias before BN)."""
    L = keras.layers
    if variant == "plain":
        layers = [L.Dense(300, activation="relu"), L.Dense(100, activation="relu")]
    elif variant == "bn-after-activation":
        return seed_cell5_model()
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
    def extra(p):
        p.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated")
        p.add_argument("--shuffle", choices=["each-epoch", "keras-fit"], default="each-epoch")

    args = parse_args("bn", "42-51", extra)
    # keras-fit: Keras's own fit(shuffle=True), which repeats one order every epoch once a seed is set.
    suffix = ".kerasFitShuffle" if args.shuffle == "keras-fit" else ""
    (x, y), (xv, yv), (xt, yt) = fashion_mnist()
    epochs = 5  # both profiles (the demo's quick profile only runs fewer seeds)
    settings = {
        "epochs": epochs,
        "batchSize": 32,
        "learningRate": 0.01,
        "momentum": 0.9,
        "trainSize": int(len(x)),
        "validationSize": int(len(xv)),
        "testSize": int(len(xt)),
        "shuffle": "a new permutation every epoch; *.kerasFitShuffle: Keras fit(shuffle=True), one order repeated",
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
            h = fit(model, x, y, epochs=epochs, batch_size=32, seed=seed, shuffle=args.shuffle,
                    validation_data=(xv, yv))
            seconds = (time.perf_counter() - started) / epochs
            _, acc = model.evaluate(xt, yt, batch_size=1000, verbose=0)
            how = " (Keras fit shuffle: one order repeated)" if suffix else ""
            ref.metric(f"{variant}.testAccuracy{suffix}", seed, acc, f"test accuracy of the {variant} model{how}")
            ref.metric(f"{variant}.finalTrainLoss{suffix}", seed, h["loss"][-1], f"last epoch's training loss{how}")
            ref.metric(f"{variant}.secondsPerEpoch{suffix}", seed, seconds, "fit wall-clock per epoch, 1 thread")
            ref.curve(f"bn.valAccuracy{suffix}", variant, seed, h["val_accuracy"])
            ref.curve(f"bn.loss{suffix}", variant, seed, h["loss"])
            ref.save()
            print(f"{variant} seed {seed}: test {acc:.4f}, val {h['val_accuracy'][-1]:.4f}, {seconds:.1f} s/epoch",
                  flush=True)
        print(f"{variant}: {summary(ref.doc['metrics'][f'{variant}.testAccuracy{suffix}']['values'])}", flush=True)


if __name__ == "__main__":
    main()
