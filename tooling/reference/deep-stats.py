#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo deep-stats`: vanishing and exploding signals in a 100-layer MLP before
any training -- per hidden layer, the std and mean of its output and the norm of its (kernel, bias) gradient.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/deep-stats.py --seeds 42-51
Writes (merges into) tooling/reference/keras/deep-stats.<profile>.json.

As the demo: `depth` Dense(100) layers (bias 0) with the pair's activation and initializer, a linear
Dense(10) head with the same initializer, one batch of 256 per-pixel standardized training images (statistics
of the whole training set), the sparse categorical cross-entropy of the head's logits on the true labels.
The batch is drawn per seed with numpy (the demo draws its own with steadygrad's generator): compare the
profiles' shape and magnitude, not sample by sample. `curves` hold the mean over seeds of each profile.
"""
import numpy as np
import tensorflow as tf
from common import Reference, fashion_mnist, keras, parse_args

PAIRS = [
    ("sigmoid", "random_normal(stddev=1)"),
    ("tanh", "glorot_uniform"),
    ("relu", "he_normal"),
    ("selu", "lecun_normal"),
    ("relu", "random_normal(stddev=1)"),
]


def initializer(name):
    if name == "random_normal(stddev=1)":
        return keras.initializers.RandomNormal(stddev=1.0)
    return keras.initializers.get(name)


def main():
    args = parse_args("deep-stats", "42-51")
    (x, y), (xv, yv), _ = fashion_mnist()
    x = np.concatenate([xv, x]).reshape(60000, -1)
    y = np.concatenate([yv, y])
    depth, units, batch = 100, 100, 256
    mean = x.astype(np.float64).mean(axis=0)
    std = x.astype(np.float64).std(axis=0)
    std[std <= 1e-6] = 1.0
    settings = {"depth": depth, "units": units, "batchSize": batch, "images": "whole training set, standardized"}
    ref = Reference("deep-stats", args.profile, "deep-stats.py", settings, args.out)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    for seed in args.seeds:
        idx = np.random.default_rng(seed).permutation(len(x))[:batch]
        xb = tf.constant(((x[idx] - mean) / std).astype(np.float32))
        yb = tf.constant(y[idx].astype(np.int32))
        for activation, init in PAIRS:
            keras.utils.set_random_seed(seed)
            layers = [keras.layers.Dense(units, activation=activation, kernel_initializer=initializer(init))
                      for _ in range(depth)]
            head = keras.layers.Dense(10, kernel_initializer=initializer(init))
            with tf.GradientTape() as tape:
                h, outs = xb, []
                for layer in layers:
                    h = layer(h)
                    outs.append(h)
                loss = loss_fn(yb, head(h))
            grads = tape.gradient(loss, [w for layer in layers for w in layer.trainable_weights])
            norms = [float(tf.sqrt(tf.reduce_sum(grads[2 * i] ** 2) + tf.reduce_sum(grads[2 * i + 1] ** 2)))
                     for i in range(depth)]
            stds = [float(tf.math.reduce_std(o)) for o in outs]
            means = [float(tf.reduce_mean(o)) for o in outs]
            label = f"{activation} + {init}"
            ref.curve("deep-stats.activationStd", label, seed, stds)
            ref.curve("deep-stats.activationMean", label, seed, means)
            ref.curve("deep-stats.gradientNorm", label, seed, norms)
            ref.metric(f"{label}.activationStd.last", seed, stds[-1], "std of the last hidden layer's output")
            ref.metric(f"{label}.gradientNorm.first", seed, norms[0], "gradient norm of the first hidden layer")
            ref.metric(f"{label}.gradientNorm.last", seed, norms[-1], "gradient norm of the last hidden layer")
            ref.metric(f"{label}.loss", seed, float(loss), "head cross-entropy on the batch")
            print(f"seed {seed} {label}: std last {stds[-1]:.3g}, grad first {norms[0]:.3g} last {norms[-1]:.3g}",
                  flush=True)
        ref.save()


if __name__ == "__main__":
    main()
