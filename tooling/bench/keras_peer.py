#!/usr/bin/env python3
"""Keras 3 peer for `pnpm bench` (TensorFlow backend): the seed cell 5 BN-MLP, SGD momentum 0.9, one epoch of
Fashion-MNIST.

Same work as steadygrad's benchmark and tooling/bench/pytorch_peer.py: Flatten -> BN -> Dense 300 relu (He normal)
-> BN -> Dense 100 relu (He normal) -> BN -> Dense 10 softmax (Glorot uniform), sparse categorical cross-entropy,
batch 32 or 256, shuffled, pixels scaled to [0, 1]; then inference on the 10,000 test images (batch 1,000). This
is the seed notebook's own model in the seed's own framework (Keras defaults: BN momentum 0.99, eps 1e-3).

`--threads N` (default 1) sets TensorFlow's intra-op and inter-op thread pools to N before TensorFlow starts.
`--jit` compiles the train and predict steps with XLA (`jit_compile=True`); without it `jit_compile=False`
(what Keras's "auto" picks on a CPU-only machine). The epoch time is `model.fit`'s wall time for one epoch and
includes tracing the train step into a graph (and XLA's compilation with `--jit`): what a user waits for.

Prints one JSON line: {"system": "keras", "batchSize": ..., "epochSeconds": ..., "samplesPerSecond": ...,
"testAccuracy": ..., "inferenceSeconds": ..., "peakRssMb": ..., "keras": version, "tensorflow": version, ...}
"""
import argparse
import json
import os
import resource
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from idx_data import find, read_idx  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"))
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--samples", type=int, default=60000)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--jit", action="store_true")
    args = ap.parse_args()

    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    import keras

    keras.utils.set_random_seed(args.seed)

    x_train = read_idx(find(args.dir, "train-images-idx3-ubyte"))[: args.samples]
    y_train = read_idx(find(args.dir, "train-labels-idx1-ubyte"))[: args.samples]
    x_test = read_idx(find(args.dir, "t10k-images-idx3-ubyte"))
    y_test = read_idx(find(args.dir, "t10k-labels-idx1-ubyte"))
    xt = x_train.astype(np.float32) / 255.0
    yt = y_train.astype(np.int32)
    xs = x_test.astype(np.float32) / 255.0
    ys = y_test.astype(np.int64)

    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(300, activation="relu", kernel_initializer="he_normal"),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal"),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(
        loss="sparse_categorical_crossentropy",
        optimizer=keras.optimizers.SGD(learning_rate=args.lr, momentum=0.9),
        metrics=["accuracy"],
        jit_compile=args.jit,
    )

    n = len(xt)
    t0 = time.perf_counter()
    model.fit(xt, yt, batch_size=args.batch_size, epochs=1, shuffle=True, verbose=0)
    epoch = time.perf_counter() - t0

    t1 = time.perf_counter()
    probs = model.predict(xs, batch_size=1000, verbose=0)
    pred = probs.argmax(1)
    infer = time.perf_counter() - t1
    correct = int((pred == ys).sum())
    print(json.dumps({
        "system": "keras",
        "model": "mlp",
        "batchSize": args.batch_size,
        "samples": n,
        "epochSeconds": epoch * 60000 / n,
        "samplesPerSecond": n / epoch,
        "testAccuracy": correct / len(xs),
        "inferenceSeconds": infer,
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "jit": args.jit,
        "threads": args.threads,
    }))


if __name__ == "__main__":
    main()
