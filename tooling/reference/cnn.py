#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo cnn`: a small CNN against the seed's BN-MLP (cell 5), same training.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/cnn.py --seeds 42-44
Writes (merges into) tooling/reference/keras/cnn.<profile>.json.

The demo's settings (apps/demo/src/experiments/cnn.ts, CNN_PROFILES; apps/demo/src/models.ts):
- CNN (`smallCnnModel`): Reshape (28, 28, 1), then per block of 16 and 32 filters Conv2D 3x3 'same' without bias
  (he_normal) -> BatchNormalization -> ReLU -> MaxPooling2D 2x2, then Flatten -> Dense 64 relu (he_normal) -> Dense
  10 softmax (Keras's default Glorot uniform): 106,010 parameters.
- baseline (`seedCell5Model`): Flatten -> BN -> Dense 300 relu (he_normal) -> BN -> Dense 100 relu (he_normal) ->
  BN -> Dense 10 softmax.
- Both: SGD momentum 0.9 with Keras's own `CosineDecay(0.01, decay_steps=epochs * ceil(55,000 / 32))` (alpha 0:
  down to 0 at the last step), sparse categorical cross-entropy, batch 32, 5 epochs on the 55,000 training images
  (a new permutation every epoch, common.fit; both models of a seed see the same order, as in the demo), BN with
  Keras's defaults (momentum 0.99, epsilon 1e-3, the demo's too); test accuracy on the 10,000 test images.
  The demo also evaluates the first 5,000 training images after each epoch (validation); that changes nothing in
  training and is skipped here.
Both profiles run these settings (the quick profile only runs one steadygrad seed), so cnn.quick.json is a copy
of the notebook file (quick-from-notebook.py).
"""
import math
import time

from common import Reference, fashion_mnist, fit, keras, parse_args, seed_cell5_model, summary

EPOCHS = 5
BATCH = 32
LR0 = 0.01
FILTERS = [16, 32]


def small_cnn():
    L = keras.layers
    layers = [keras.Input((28, 28)), L.Reshape((28, 28, 1))]
    for f in FILTERS:
        layers += [L.Conv2D(f, 3, padding="same", use_bias=False, kernel_initializer="he_normal"),
                   L.BatchNormalization(), L.ReLU(), L.MaxPooling2D(2)]
    layers += [L.Flatten(), L.Dense(64, activation="relu", kernel_initializer="he_normal"),
               L.Dense(10, activation="softmax")]
    return keras.Sequential(layers)


def main():
    def extra(p):
        p.add_argument("--models", default="cnn,baseline", help="comma-separated: cnn, baseline")

    args = parse_args("cnn", "42-44", extra)
    (x, y), _, (xt, yt) = fashion_mnist()
    decay_steps = EPOCHS * math.ceil(len(x) / BATCH)
    settings = {"epochs": EPOCHS, "batchSize": BATCH, "learningRate": LR0, "momentum": 0.9,
                "schedule": f"CosineDecay(0.01, {decay_steps})", "filters": FILTERS, "trainSize": int(len(x)),
                "shuffle": "a new permutation every epoch"}
    ref = Reference("cnn", args.profile, "cnn.py", settings, args.out)
    builders = {"cnn": (small_cnn, "CNN (conv 16-32, BN, pooling, Dense 64)"),
                "baseline": (seed_cell5_model, "BN-MLP (seed cell 5), same settings")}
    for seed in args.seeds:
        for name in args.models.split(","):
            build, what = builders[name]
            keras.utils.set_random_seed(seed)
            model = build()
            optimizer = keras.optimizers.SGD(
                learning_rate=keras.optimizers.schedules.CosineDecay(LR0, decay_steps), momentum=0.9)
            model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
            started = time.perf_counter()
            h = fit(model, x, y, epochs=EPOCHS, batch_size=BATCH, seed=seed)
            seconds = (time.perf_counter() - started) / EPOCHS
            _, accuracy = model.evaluate(xt, yt, batch_size=500, verbose=0)
            ref.metric(f"{name}.testAccuracy", seed, accuracy, f"{what}: test accuracy")
            ref.metric(f"{name}.secondsPerEpoch", seed, seconds, "fit wall-clock per epoch, 1 thread")
            ref.metric(f"{name}.parameters", seed, model.count_params(), "parameter count")
            ref.curve("cnn.loss", name, seed, h["loss"])
            ref.save()
            print(f"{name} seed {seed}: test {accuracy:.4f}, {seconds:.1f} s/epoch", flush=True)
    for name in args.models.split(","):
        print(f"{name}: {summary(ref.doc['metrics'][f'{name}.testAccuracy']['values'])}", flush=True)


if __name__ == "__main__":
    main()
