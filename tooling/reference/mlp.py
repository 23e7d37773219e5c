#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo mlp`: seed cell 11, the chapter's baseline MLP.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/mlp.py --seeds 42-44 [--profile quick]
Writes (merges into) tooling/reference/keras/mlp.<profile>.json.

Flatten -> Dense 300 relu -> Dense 100 relu -> Dense 10 softmax (Keras default initializers),
`optimizer="sgd"` (lr 0.01), batch 32 (a new permutation every epoch), the first 5,000 training images as
validation data, test accuracy.
Notebook profile: 30 epochs (Geron's published 0.8864 is after 30); quick: 5 epochs (the demo's default).
"""
import time

from common import Reference, fashion_mnist, fit, keras, parse_args, summary


def main():
    args = parse_args("mlp", "42-44")
    (x, y), (xv, yv), (xt, yt) = fashion_mnist()
    epochs = 30 if args.profile == "notebook" else 5
    settings = {
        "epochs": epochs,
        "batchSize": 32,
        "shuffle": "a new permutation every epoch",
        "learningRate": 0.01,
        "trainSize": int(len(x)),
        "validationSize": int(len(xv)),
        "testSize": int(len(xt)),
    }
    ref = Reference("mlp", args.profile, "mlp.py", settings, args.out)
    for seed in args.seeds:
        keras.utils.set_random_seed(seed)
        model = keras.Sequential(
            [
                keras.Input((28, 28)),
                keras.layers.Flatten(),
                keras.layers.Dense(300, activation="relu"),
                keras.layers.Dense(100, activation="relu"),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
        started = time.perf_counter()
        h = fit(model, x, y, epochs=epochs, batch_size=32, seed=seed, validation_data=(xv, yv))
        seconds = (time.perf_counter() - started) / epochs
        loss, acc = model.evaluate(xt, yt, batch_size=1000, verbose=0)
        ref.metric("testAccuracy", seed, acc, "test accuracy after the last epoch")
        ref.metric("testLoss", seed, loss, "test loss (sparse categorical cross-entropy)")
        ref.metric("secondsPerEpoch", seed, seconds, "fit wall-clock per epoch, 1 thread")
        for key, curve in [("val_accuracy", "valAccuracy"), ("accuracy", "accuracy"), ("loss", "loss"),
                           ("val_loss", "valLoss")]:
            ref.curve(f"mlp.{curve}", "keras", seed, h[key])
        ref.save()
        print(f"seed {seed}: test {acc:.4f}, val {h['val_accuracy'][-1]:.4f}, {seconds:.1f} s/epoch", flush=True)
    print(f"mlp: {summary(ref.doc['metrics']['testAccuracy']['values'])}", flush=True)


if __name__ == "__main__":
    main()
