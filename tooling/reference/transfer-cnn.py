#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo transfer-cnn`: a conv base pretrained on task A, cut at a named layer with a
new head for task B (frozen, then the top block unfrozen at a lower rate), against the same network from scratch.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/transfer-cnn.py --seeds 42-51
Writes (merges into) tooling/reference/keras/transfer-cnn.<profile>.json.

The demo's settings (apps/demo/src/experiments/transfer-cnn.ts, TRANSFER_CNN_PROFILES; apps/demo/src/models.ts
`convBaseModel`; the quick profile only runs 3 seeds instead of 10, so transfer-cnn.quick.json is a copy):
- data as in transfer.py: the first 5,000 training images are validation data (unused here); task A = the 8
  classes other than sandal (5) and shirt (6), relabelled 0-7; task B = shirt (1) vs sandal (0), its first 200
  training images; B's 2,000 test images.
- the base: Reshape (28, 28, 1), then blocks of 16 and 32 filters, Conv2D 3x3 'same' without bias (he_normal) ->
  BN -> ReLU -> MaxPooling2D 2x2 (the second conv is `top_conv`), Flatten -> `dense_a` Dense 64 relu (he_normal).
- model A: the base + Dense 8 softmax, SGD lr 0.01 momentum 0.9, 3 epochs, batch 32, trained once with the first
  seed (42; `--model-a-seed` changes it, for measuring how much the one model A moves the transfer figures)
  whatever --seeds says.
- per seed: scratch = the base freshly initialized from the seed + `head_b` Dense 1 sigmoid on `dense_a` (the
  demo's default cut 'dense'), 15 epochs (5 + 10) at 0.01; transfer = `clone_model` + `set_weights` of A (Geron's
  cell 14) cut at `dense_a` + a new `head_b` initialized from the seed; phase 1: every reused layer frozen (BN in
  inference mode, Keras 3's rule for a non-trainable BatchNormalization), 5 epochs at 0.01 (a new SGD momentum
  0.9); phase 2: `top_conv` and `dense_a` unfrozen (the top block's BN stays frozen, as Keras's transfer guide
  advises and the demo does), 10 epochs with new optimizer states, the unfrozen base layers at 1e-3 and the head
  at 0.01 (both SGD momentum 0.9). Keras 3 has no per-layer learning rate (the demo's `discriminativeOptimizer`),
  so phase 2 is a custom training loop (`tf.GradientTape`, two `keras.optimizers.SGD`, binary cross-entropy of
  Keras, mean over each batch) over a new permutation every epoch; phase 1, scratch and model A use common.fit.
  Data orders: model A the first seed's, scratch and phase 1 the seed's, phase 2 from seed + 1,000,000 (as the
  demo's).
"""
import time

import numpy as np

from common import Reference, fashion_mnist, fit, keras, parse_args, summary, tf

S = {"filters": [16, 32], "classesB": [5, 6], "sizeB": 200, "epochsA": 3, "epochsFrozen": 5, "epochsUnfrozen": 10,
     "learningRate": 0.01, "lowerLearningRate": 1e-3, "momentum": 0.9, "batchSize": 32, "cut": "dense"}


def split_dataset(x, y):
    """Geron's split: (task A images, labels 0-7), (task B images, 1.0 for shirt, 0.0 for sandal)."""
    b = (y == 5) | (y == 6)
    y_a = y[~b].copy()
    y_a[y_a > 6] -= 2
    return (x[~b], y_a), (x[b], (y[b] == 6).astype(np.float32))


def conv_base(head_units, head_name, head_activation):
    L = keras.layers
    image = keras.Input((28, 28), name="image")
    h = L.Reshape((28, 28, 1), name="to_channels")(image)
    for i, f in enumerate(S["filters"]):
        last = i == len(S["filters"]) - 1
        block = f"block{i + 1}"
        h = L.Conv2D(f, 3, padding="same", use_bias=False, kernel_initializer="he_normal",
                     name="top_conv" if last else f"{block}_conv")(h)
        h = L.BatchNormalization(name=f"{block}_bn")(h)
        h = L.ReLU(name=f"{block}_relu")(h)
        h = L.MaxPooling2D(2, name="base_out" if last else f"{block}_pool")(h)
    h = L.Flatten(name="flatten")(h)
    h = L.Dense(64, activation="relu", kernel_initializer="he_normal", name="dense_a")(h)
    out = L.Dense(head_units, activation=head_activation, name=head_name)(h)
    return keras.Model(image, out)


def sgd(lr):
    return keras.optimizers.SGD(learning_rate=lr, momentum=S["momentum"])


def with_binary_head(base):
    out = keras.layers.Dense(1, activation="sigmoid", name="head_b")(base.get_layer("dense_a").output)
    return keras.Model(base.inputs, out)


def two_rate_fit(model, x, y, epochs, seed):
    """Phase 2: the head (last layer) at learningRate, the other trainable variables at lowerLearningRate."""
    head = model.layers[-1].trainable_variables
    head_ids = {id(v) for v in head}
    base = [v for v in model.trainable_variables if id(v) not in head_ids]
    opt_base, opt_head = sgd(S["lowerLearningRate"]), sgd(S["learningRate"])
    loss_fn = keras.losses.BinaryCrossentropy()
    rng = np.random.default_rng(seed)
    bs = S["batchSize"]
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(x), bs):
            xb = tf.constant(x[order[i:i + bs]])
            yb = tf.constant(y[order[i:i + bs]][:, None])
            with tf.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            grads = tape.gradient(loss, base + head)
            opt_base.apply(grads[:len(base)], base)
            opt_head.apply(grads[len(base):], head)


def accuracy_b(model, x, y):
    p = model.predict(x, batch_size=500, verbose=0)[:, 0]
    return float(np.mean((p > 0.5) == (y > 0.5)))


def main():
    def extra(p):
        p.add_argument("--model-a-seed", type=int, default=42,
                       help="seed of model A (default 42, the demo's first seed; another needs another --out)")

    args = parse_args("transfer-cnn", "42-51", extra)
    seed_a = args.model_a_seed
    (x, y), _, (xt, yt) = fashion_mnist()
    (xa, ya), (xb, yb) = split_dataset(x, y)
    (xat, yat), (xbt, ybt) = split_dataset(xt, yt)
    xb, yb = xb[:S["sizeB"]], yb[:S["sizeB"]]
    settings = {**S, "modelASeed": seed_a, "trainA": int(len(xa)), "trainB": int(len(xb)), "testB": int(len(xbt)),
                "shuffle": "a new permutation every epoch"}
    ref = Reference("transfer-cnn", args.profile, "transfer-cnn.py", settings, args.out)
    bs = S["batchSize"]

    started = time.perf_counter()
    keras.utils.set_random_seed(seed_a)
    model_a = conv_base(8, "head_a", "softmax")
    model_a.compile(loss="sparse_categorical_crossentropy", optimizer=sgd(S["learningRate"]), metrics=["accuracy"])
    fit(model_a, xa, ya, epochs=S["epochsA"], batch_size=bs, seed=seed_a)
    _, acc_a = model_a.evaluate(xat, yat, batch_size=500, verbose=0)
    ref.metric("modelA.testAccuracy", seed_a, acc_a, "model A on task A's test images (trained once)")
    print(f"model A: {acc_a:.4f} on task A, {time.perf_counter() - started:.0f} s", flush=True)

    for seed in args.seeds:
        started = time.perf_counter()
        keras.utils.set_random_seed(seed)
        scratch = with_binary_head(conv_base(8, "head_a", "softmax"))
        scratch.compile(loss="binary_crossentropy", optimizer=sgd(S["learningRate"]), metrics=["accuracy"])
        fit(scratch, xb, yb, epochs=S["epochsFrozen"] + S["epochsUnfrozen"], batch_size=bs, seed=seed)
        acc_s = accuracy_b(scratch, xbt, ybt)

        clone = keras.models.clone_model(model_a)
        clone.set_weights(model_a.get_weights())
        keras.utils.set_random_seed(seed)
        model = with_binary_head(clone)
        for layer in model.layers[:-1]:
            layer.trainable = False
        model.compile(loss="binary_crossentropy", optimizer=sgd(S["learningRate"]), metrics=["accuracy"])
        fit(model, xb, yb, epochs=S["epochsFrozen"], batch_size=bs, seed=seed)
        for name in ("top_conv", "dense_a"):
            model.get_layer(name).trainable = True
        two_rate_fit(model, xb, yb, S["epochsUnfrozen"], seed + 1_000_000)
        acc_t = accuracy_b(model, xbt, ybt)
        seconds = time.perf_counter() - started
        ref.metric("scratch.testAccuracy", seed, acc_s, "task B from scratch (same network): test accuracy")
        ref.metric("transfer.testAccuracy", seed, acc_t, "task B on A, after the unfrozen phase: test accuracy")
        ref.metric("seconds", seed, seconds, "wall-clock of the seed's scratch and transfer runs, 1 thread")
        ref.save()
        print(f"seed {seed}: scratch {acc_s:.4f}, transfer {acc_t:.4f}, {seconds:.0f} s", flush=True)
    m = ref.doc["metrics"]
    s_mean = float(np.mean(m["scratch.testAccuracy"]["values"]))
    t_mean = float(np.mean(m["transfer.testAccuracy"]["values"]))
    ref.doc["metrics"]["errorRateReduction"] = {
        "values": [float(f"{1 - (1 - t_mean) / (1 - s_mean):.7g}") if s_mean < 1 else None],
        "seeds": m["scratch.testAccuracy"]["seeds"],
        "description": "1 - (1 - mean transfer)/(1 - mean scratch) over the seeds listed (one value)",
    }
    ref.save()
    print(f"scratch {summary(m['scratch.testAccuracy']['values'])}, "
          f"transfer {summary(m['transfer.testAccuracy']['values'])}", flush=True)


if __name__ == "__main__":
    main()
