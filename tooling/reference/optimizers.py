#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo optimizers`: the nine optimizers of Geron's "Faster Optimizers" (handson-ml3,
notebook 11), each training the same model on the same data.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/optimizers.py --seeds 42-44 [--optimizers Adam,Nadam]
Writes (merges into) tooling/reference/keras/optimizers.<profile>.json.

Geron's build_model(): Flatten -> 3 x Dense(100, relu, he_normal) -> Dense(10, softmax), sparse categorical
cross-entropy, batch 32 (a new permutation every epoch), 10 epochs on the 55,000 training images, the first
5,000 as validation data; reported: the final validation accuracy and loss. Both profiles run these settings (the
quick profile only runs fewer seeds). About 1 minute per optimizer and seed on one thread.
"""
import time

from common import Reference, fashion_mnist, fit, keras, parse_args, summary

O = keras.optimizers
OPTIMIZERS = {
    "SGD": lambda: O.SGD(learning_rate=0.001),
    "Momentum": lambda: O.SGD(learning_rate=0.001, momentum=0.9),
    "Nesterov": lambda: O.SGD(learning_rate=0.001, momentum=0.9, nesterov=True),
    "AdaGrad": lambda: O.Adagrad(learning_rate=0.001),
    "RMSProp": lambda: O.RMSprop(learning_rate=0.001, rho=0.9),
    "Adam": lambda: O.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999),
    "AdaMax": lambda: O.Adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999),
    "Nadam": lambda: O.Nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999),
    "AdamW": lambda: O.AdamW(weight_decay=1e-5, learning_rate=0.001, beta_1=0.9, beta_2=0.999),
}


def main():
    def extra(p):
        p.add_argument("--optimizers", default=",".join(OPTIMIZERS), help="comma-separated")

    args = parse_args("optimizers", "42-44", extra)
    (x, y), (xv, yv), _ = fashion_mnist()
    settings = {"epochs": 10, "batchSize": 32, "trainSize": int(len(x)), "validationSize": int(len(xv)),
                "shuffle": "a new permutation every epoch", "model": "3 x Dense(100, relu, he_normal)"}
    ref = Reference("optimizers", args.profile, "optimizers.py", settings, args.out)
    for name in args.optimizers.split(","):
        for seed in args.seeds:
            keras.utils.set_random_seed(seed)
            L = keras.layers
            model = keras.Sequential(
                [keras.Input((28, 28)), L.Flatten()]
                + [L.Dense(100, activation="relu", kernel_initializer="he_normal") for _ in range(3)]
                + [L.Dense(10, activation="softmax")]
            )
            model.compile(loss="sparse_categorical_crossentropy", optimizer=OPTIMIZERS[name](), metrics=["accuracy"])
            started = time.perf_counter()
            h = fit(model, x, y, epochs=10, batch_size=32, seed=seed, validation_data=(xv, yv))
            seconds = (time.perf_counter() - started) / 10
            ref.metric(f"{name}.valAccuracy", seed, h["val_accuracy"][-1], f"{name}: final validation accuracy")
            ref.metric(f"{name}.valLoss", seed, h["val_loss"][-1], f"{name}: final validation loss")
            ref.metric(f"{name}.secondsPerEpoch", seed, seconds, "fit wall-clock per epoch, 1 thread")
            ref.curve("optimizers.valAccuracy", name, seed, h["val_accuracy"])
            ref.save()
            print(f"{name} seed {seed}: val {h['val_accuracy'][-1]:.4f}, {seconds:.1f} s/epoch", flush=True)
        print(f"{name}: {summary(ref.doc['metrics'][f'{name}.valAccuracy']['values'])}", flush=True)


if __name__ == "__main__":
    main()
