#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo regularization`: seed cells 32-39, the dropout MLP (+ MC dropout), the l2
MLP and the max-norm MLP.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/regularization.py --seeds 42-44
Writes (merges into) tooling/reference/keras/regularization.notebook.json. The demo's quick profile differs only
in its number of seeds (1), so regularization.quick.json is a copy (quick-from-notebook.py).

The demo's networks and recipes (apps/demo/src/experiments/regularization.ts, `VARIANT_RECIPES`): the seed's
architectures (Dense 300 -> 100, ELU, He normal) trained with the recipes of Geron's 3rd-edition notebook,
pixels / 255, batch 32 (a new permutation every epoch, common.fit), validation = the first 5,000 training
images, test = the 10,000 test images (evaluate in batches of 1,000):
- dropout: Flatten -> Dropout 0.2 -> Dense 300 elu he_normal -> Dropout 0.2 -> Dense 100 elu he_normal ->
  Dropout 0.2 -> Dense 10 softmax (glorot_uniform); SGD lr 0.01 momentum 0.9, 10 epochs;
- l2: partial(Dense, elu, he_normal, l2(0.01)) for all three Dense layers, the output too (softmax, He normal,
  l2 penalty, as the seed's RegularizedDense); SGD lr 0.02, no momentum, 2 epochs;
- max-norm: Dense 300 and Dense 100 elu he_normal with kernel MaxNorm(1) (axis 0), Dense 10 softmax without
  constraint (glorot_uniform); SGD lr 0.01 momentum 0.9, 10 epochs.
MC dropout as the demo's `mcFigures`: the trained dropout model, 100 forward passes with dropout on
(`model(x, training=True)`; the model has no other training-dependent layer), test images in batches of 1,000,
accuracy of the argmax of the mean probabilities. The demo draws each seed's dropout masks from its own
generator; here each seed's MC passes follow `keras.utils.set_random_seed(seed)` set just before them.
"""
import time

import numpy as np
from common import Reference, fashion_mnist, fit, keras, parse_args, summary

RECIPES = {
    "dropout": {"epochs": 10, "learningRate": 0.01, "momentum": 0.9},
    "l2": {"epochs": 2, "learningRate": 0.02, "momentum": 0.0},
    "max-norm": {"epochs": 10, "learningRate": 0.01, "momentum": 0.9},
}
MC_SAMPLES = 100


def build(variant):
    """The demo's `buildVariant` (seed cells 34, 36, 39)."""
    layers = [keras.Input((28, 28)), keras.layers.Flatten()]
    if variant == "dropout":
        layers += [
            keras.layers.Dropout(0.2),
            keras.layers.Dense(300, activation="elu", kernel_initializer="he_normal"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(100, activation="elu", kernel_initializer="he_normal"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10, activation="softmax"),
        ]
    elif variant == "l2":
        def regularized(units, activation="elu"):
            return keras.layers.Dense(units, activation=activation, kernel_initializer="he_normal",
                                      kernel_regularizer=keras.regularizers.l2(0.01))

        layers += [regularized(300), regularized(100), regularized(10, "softmax")]
    else:
        def max_norm(units):
            return keras.layers.Dense(units, activation="elu", kernel_initializer="he_normal",
                                      kernel_constraint=keras.constraints.MaxNorm(1.0))

        layers += [max_norm(300), max_norm(100), keras.layers.Dense(10, activation="softmax")]
    return keras.Sequential(layers)


def train(variant, seed, data, epochs=None):
    """Builds (seed `seed`), trains and evaluates one variant. Returns (model, figures dict)."""
    (x, y), (xv, yv), (xt, yt) = data
    recipe = RECIPES[variant]
    epochs = recipe["epochs"] if epochs is None else epochs
    keras.utils.set_random_seed(seed)
    model = build(variant)
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=recipe["learningRate"], momentum=recipe["momentum"]),
                  metrics=["accuracy"])
    started = time.perf_counter()
    h = fit(model, x, y, epochs=epochs, batch_size=32, seed=seed, validation_data=(xv, yv))
    seconds = (time.perf_counter() - started) / epochs
    loss, acc = model.evaluate(xt, yt, batch_size=1000, verbose=0)
    return model, {"testAccuracy": acc, "testLoss": loss, "finalValAccuracy": h["val_accuracy"][-1],
                   "secondsPerEpoch": seconds, "valAccuracy": h["val_accuracy"]}


def mc_accuracy(model, xt, yt, samples, seed, batch_size=1000):
    """MC-dropout accuracy: argmax of the mean of `samples` softmax outputs with dropout on."""
    keras.utils.set_random_seed(seed)
    correct = 0
    for start in range(0, len(xt), batch_size):
        xb = xt[start:start + batch_size]
        mean = np.zeros((len(xb), 10), dtype=np.float64)
        for _ in range(samples):
            mean += np.asarray(model(xb, training=True), dtype=np.float64)
        correct += int(np.sum(np.argmax(mean, axis=1) == yt[start:start + batch_size]))
    return correct / len(xt)


def main():
    args = parse_args("regularization", "42-44")
    if args.profile != "notebook":
        raise SystemExit("the quick profile only has fewer seeds: run the notebook one and quick-from-notebook.py")
    data = fashion_mnist()
    (x, _), (xv, _), (xt, yt) = data
    settings = {
        "recipes": RECIPES,
        "architecture": "Dense 300 -> 100 elu he_normal (seed cells 34, 36, 39)",
        "batchSize": 32,
        "mcSamples": MC_SAMPLES,
        "shuffle": "a new permutation every epoch",
        "trainSize": int(len(x)),
        "validationSize": int(len(xv)),
        "testSize": int(len(xt)),
    }
    ref = Reference("regularization", args.profile, "regularization.py", settings, args.out)
    for seed in args.seeds:
        for variant in RECIPES:
            model, f = train(variant, seed, data)
            ref.metric(f"{variant}.testAccuracy", seed, f["testAccuracy"], f"{variant}: test accuracy")
            ref.metric(f"{variant}.testLoss", seed, f["testLoss"], f"{variant}: test loss (cross-entropy)")
            ref.metric(f"{variant}.finalValAccuracy", seed, f["finalValAccuracy"],
                       f"{variant}: validation accuracy after the last epoch")
            ref.metric(f"{variant}.secondsPerEpoch", seed, f["secondsPerEpoch"], "fit wall-clock per epoch, 1 thread")
            ref.curve("regularization.valAccuracy", variant, seed, f["valAccuracy"])
            line = (f"seed {seed} {variant}: test {f['testAccuracy']:.4f}, val {f['finalValAccuracy']:.4f}, "
                    f"{f['secondsPerEpoch']:.1f} s/epoch")
            if variant == "dropout":
                started = time.perf_counter()
                mc = mc_accuracy(model, xt, yt, MC_SAMPLES, seed)
                ref.metric("mcDropout.accuracy", seed, mc, f"MC dropout ({MC_SAMPLES} samples) test accuracy")
                ref.metric("mcDropout.plainAccuracy", seed, f["testAccuracy"],
                           "the same dropout model's plain (dropout off) test accuracy")
                line += f"; MC dropout {mc:.4f} ({time.perf_counter() - started:.0f} s)"
            ref.save()
            print(line, flush=True)
    m = ref.doc["metrics"]
    for variant in RECIPES:
        print(f"{variant}: test {summary(m[f'{variant}.testAccuracy']['values'])}, "
              f"val {summary(m[f'{variant}.finalValAccuracy']['values'])}", flush=True)
    print(f"MC dropout: {summary(m['mcDropout.accuracy']['values'])}", flush=True)


if __name__ == "__main__":
    main()
