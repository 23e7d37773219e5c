#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo pretraining`: unsupervised pretraining with a stacked autoencoder.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/pretraining.py --seeds 42-44
Writes (merges into) tooling/reference/keras/pretraining.notebook.json. The demo's quick profile differs only in
its number of seeds (1), so pretraining.quick.json is a copy (quick-from-notebook.py).

The demo's experiment (apps/demo/src/experiments/pretraining.ts, `PRETRAINING_PROFILES`; the seed and Geron's
notebook leave it without code, so this is the project's run): a stacked autoencoder (steadygrad's
`Autoencoder({ units: [300, 100] })`): encoder Flatten -> Dense 300 relu -> Dense 100 relu, mirrored decoder
Dense 300 relu -> Dense 784 sigmoid -> Reshape (28, 28), every Dense glorot_uniform, MSE, Nadam (Keras
defaults: lr 1e-3), batch 32, 3 epochs on **all** 60,000 training images without their labels (no validation
split), built and trained once with the demo's `--seed` (42; `--autoencoder-seed`, so that later runs of other
seeds merge). Then, for every seed, two classifiers trained on the first 500 training images (file order) with
their labels, Adam lr 1e-3, batch 32, 30 epochs, every layer trainable:
- scratch: Flatten -> Dense 300 relu -> Dense 100 relu -> Dense 10 softmax (glorot_uniform), built with the seed;
- pretrained: a copy of the trained encoder (clone_model + set_weights, as the demo's `classifierFromEncoder`
  copies it) + a new Dense 10 softmax initialized with the seed.
Both use the seed for their shuffling (a new permutation every epoch, common.fit). Test accuracy on the 10,000
test images (batches of 1,000).
"""
import time

import numpy as np
from common import Reference, fashion_mnist, fit, keras, parse_args, summary

UNITS = [300, 100]
PRETRAIN_EPOCHS = 3
LABELS = 500
EPOCHS = 30
LEARNING_RATE = 1e-3
BATCH_SIZE = 32


def encoder_layers():
    return [keras.layers.Dense(u, activation="relu") for u in UNITS]


def main():
    args = parse_args("pretraining", "42-44", lambda p: p.add_argument(
        "--autoencoder-seed", type=int, default=42,
        help="seed of the autoencoder's init and shuffling (the demo's --seed, default 42)"))
    if args.profile != "notebook":
        raise SystemExit("the quick profile only has fewer seeds: run the notebook one and quick-from-notebook.py")
    (x, y), (xv, yv), (xt, yt) = fashion_mnist()
    x = np.concatenate([xv, x])  # the demo uses all 60,000 training images, in file order
    y = np.concatenate([yv, y])
    xl, yl = x[:LABELS], y[:LABELS]
    first = args.autoencoder_seed
    settings = {
        "units": UNITS,
        "pretrainEpochs": PRETRAIN_EPOCHS,
        "pretrainOptimizer": "nadam (lr 1e-3)",
        "reconstruction": "mse",
        "labels": LABELS,
        "epochs": EPOCHS,
        "learningRate": LEARNING_RATE,
        "batchSize": BATCH_SIZE,
        "unlabeled": int(len(x)),
        "testSize": int(len(xt)),
        "autoencoderSeed": first,
        "shuffle": "a new permutation every epoch",
    }
    ref = Reference("pretraining", args.profile, "pretraining.py", settings, args.out)

    started = time.perf_counter()
    keras.utils.set_random_seed(first)
    encoder = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), *encoder_layers()])
    decoder = keras.Sequential([keras.Input((UNITS[-1],))]
                               + [keras.layers.Dense(u, activation="relu") for u in reversed(UNITS[:-1])]
                               + [keras.layers.Dense(28 * 28, activation="sigmoid"), keras.layers.Reshape((28, 28))])
    autoencoder = keras.Sequential([encoder, decoder])
    autoencoder.compile(loss="mse", optimizer=keras.optimizers.Nadam())
    h = fit(autoencoder, x, x, epochs=PRETRAIN_EPOCHS, batch_size=BATCH_SIZE, seed=first)
    ref.curve("pretraining.reconstructionLoss", "keras", first, h["loss"])
    ref.metric("autoencoder.finalLoss", first, h["loss"][-1], "reconstruction MSE of the last pretraining epoch")
    ref.metric("autoencoder.seconds", first, time.perf_counter() - started, "pretraining wall-clock, 1 thread")
    print(f"autoencoder: MSE per epoch {', '.join(f'{v:.4f}' for v in h['loss'])} "
          f"({time.perf_counter() - started:.0f} s)", flush=True)

    def train(model, seed):
        model.compile(loss="sparse_categorical_crossentropy",
                      optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE), metrics=["accuracy"])
        fit(model, xl, yl, epochs=EPOCHS, batch_size=BATCH_SIZE, seed=seed)
        return model.evaluate(xt, yt, batch_size=1000, verbose=0)[1]

    for seed in args.seeds:
        keras.utils.set_random_seed(seed)
        scratch = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), *encoder_layers(),
                                    keras.layers.Dense(10, activation="softmax")])
        acc_scratch = train(scratch, seed)
        keras.utils.set_random_seed(seed)
        copy = keras.models.clone_model(encoder)
        copy.set_weights(encoder.get_weights())
        pretrained = keras.Sequential([keras.Input((28, 28)), *copy.layers, keras.layers.Dense(10, activation="softmax")])
        acc_pretrained = train(pretrained, seed)
        ref.metric("scratch.testAccuracy", seed, acc_scratch, "classifier from scratch on 500 labels: test accuracy")
        ref.metric("pretrained.testAccuracy", seed, acc_pretrained,
                   "classifier on the pretrained encoder (500 labels): test accuracy")
        ref.save()
        print(f"seed {seed}: scratch {acc_scratch:.4f}, pretrained {acc_pretrained:.4f}", flush=True)
    m = ref.doc["metrics"]
    print(f"scratch {summary(m['scratch.testAccuracy']['values'])}, "
          f"pretrained {summary(m['pretrained.testAccuracy']['values'])}", flush=True)


if __name__ == "__main__":
    main()
