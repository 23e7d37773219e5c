#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo schedules`: the chapter's learning-rate schedules (seed cells 21-29 and
Geron's 1cycle), each training the same model on the same data.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/schedules.py --profile quick --seeds 42-44
Writes (merges into) tooling/reference/keras/schedules.<profile>.json.

The demo's settings (apps/demo/src/experiments/schedules.ts, SCHEDULE_SPECS / SCHEDULES_PROFILES): Geron's
build_model() (Flatten -> 3 x Dense(100, relu, he_normal) -> Dense(10, softmax)), plain SGD (no momentum),
lr0 = 0.01, batch 32 (a new permutation every epoch, common.fit), the 55,000 training images, the first 5,000 as
validation data; reported: the final validation accuracy. Epochs: quick profile 10 for every schedule; notebook
profile power and piecewise 10, constant, exponential, performance and 1cycle 25.

How each schedule is expressed in Keras 3:
- constant: `SGD(learning_rate=0.01)`.
- power (per step): Keras's own `keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=10_000,
  decay_rate=1.0)`, i.e. lr0 / (1 + t / 10,000) at optimizer step t (what seed cell 21's `SGD(decay=1e-4)` meant).
- exponential (per epoch): Keras's `keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.01 * 0.1 ** (epoch
  / 20))` (seed cells 22-25; `epoch` is 0-based, set before the epoch).
- piecewise (per epoch): `LearningRateScheduler` of Keras's own `PiecewiseConstantDecay([4, 14], [0.01, 0.005,
  0.001])` evaluated at the epoch (Keras keeps the left value at a boundary: 0.01 for epochs 0-4, 0.005 for 5-14),
  as the demo's `learningRateScheduler(piecewiseConstant({ boundaries: [4, 14], ... }))`.
- performance: Keras's `keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=5)` (its
  defaults otherwise: min_delta 1e-4 absolute, cooldown 0, min_lr 0 -- the demo's reduceLROnPlateau defaults).
  common.fit calls `fit` once per epoch (to reshuffle), and Keras's callback resets its `wait`/`best` in
  `on_train_begin`; the subclass here resets only at the first call, so the plateau is counted across epochs as in
  one `fit`.
- 1cycle (per step): Geron's OneCycleScheduler (handson-ml3, notebook 11) as a `LearningRateSchedule` of our
  own (Keras has none): N = ceil(55,000 / 32) * epochs iterations, max 0.1, start 0.01, last iterations
  floor(N / 10) + 1, last rate 1e-5, h = floor((N - L) / 2): linear 0.01 -> 0.1 over [0, h), 0.1 -> 0.01 over
  [h, 2h), 0.01 -> 1e-5 over [2h, N]; evaluated at the optimizer's step (the rate of the (t+1)-th update), as the
  demo's `geronOneCycle`.
About 1 minute per schedule and seed (10 epochs) on one thread.
"""
import math
import time

import numpy as np

from common import Reference, fashion_mnist, fit, keras, parse_args, summary

EPOCHS = {
    "notebook": {"constant": 25, "power": 10, "exponential": 25, "piecewise": 10, "performance": 25, "1cycle": 25},
    "quick": {"constant": 10, "power": 10, "exponential": 10, "piecewise": 10, "performance": 10, "1cycle": 10},
}
LR0 = 0.01
BATCH = 32


class GeronOneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """The demo's geronOneCycle (packages/schedules/src/geron-one-cycle.ts) at optimizer step t."""

    def __init__(self, iterations, max_rate, start_rate=None, last_iterations=None, last_rate=None):
        self.iterations = iterations
        self.max_rate = max_rate
        self.start_rate = max_rate / 10 if start_rate is None else start_rate
        self.last_iterations = iterations // 10 + 1 if last_iterations is None else last_iterations
        self.last_rate = self.start_rate / 1000 if last_rate is None else last_rate
        self.half = (iterations - self.last_iterations) // 2

    def rate(self, t):
        """Plain-Python value (for the recorded curve)."""
        h, n = self.half, self.iterations
        lerp = lambda t, t1, t2, r1, r2: (r2 - r1) * (t - t1) / (t2 - t1) + r1  # noqa: E731
        if t < h:
            return lerp(t, 0, h, self.start_rate, self.max_rate)
        if t < 2 * h:
            return lerp(t, h, 2 * h, self.max_rate, self.start_rate)
        if t <= n:
            return lerp(t, 2 * h, n, self.start_rate, self.last_rate)
        return self.last_rate

    def __call__(self, step):
        ops = keras.ops
        t = ops.cast(step, "float32")
        h, n = float(self.half), float(self.iterations)
        up = self.start_rate + (self.max_rate - self.start_rate) * t / h
        down = self.max_rate + (self.start_rate - self.max_rate) * (t - h) / h
        last = self.start_rate + (self.last_rate - self.start_rate) * (t - 2 * h) / (n - 2 * h)
        return ops.where(t < h, up, ops.where(t < 2 * h, down, ops.where(t <= n, last, self.last_rate)))

    def get_config(self):
        return {"iterations": self.iterations, "max_rate": self.max_rate}


class PlateauAcrossFits(keras.callbacks.ReduceLROnPlateau):
    """Keras's ReduceLROnPlateau, reset only at the first `fit` (common.fit calls `fit` once per epoch)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._started = False

    def on_train_begin(self, logs=None):
        if not self._started:
            self._started = True
            super().on_train_begin(logs)


def schedule_setup(name, steps, epochs):
    """(optimizer, callbacks, lr of step t or None) for one schedule."""
    O, C = keras.optimizers, keras.callbacks
    if name == "constant":
        return O.SGD(learning_rate=LR0), []
    if name == "power":
        return O.SGD(learning_rate=O.schedules.InverseTimeDecay(LR0, decay_steps=10_000, decay_rate=1.0)), []
    if name == "exponential":
        return O.SGD(learning_rate=LR0), [C.LearningRateScheduler(lambda epoch, lr: LR0 * 0.1 ** (epoch / 20))]
    if name == "piecewise":
        pw = O.schedules.PiecewiseConstantDecay([4, 14], [0.01, 0.005, 0.001])
        return O.SGD(learning_rate=LR0), [C.LearningRateScheduler(lambda epoch, lr: float(pw(epoch)))]
    if name == "performance":
        return O.SGD(learning_rate=LR0), [PlateauAcrossFits(monitor="val_loss", factor=0.5, patience=5)]
    if name == "1cycle":
        return O.SGD(learning_rate=GeronOneCycle(steps * epochs, 0.1)), []
    raise ValueError(name)


class LrRecorder(keras.callbacks.Callback):
    """The learning rate the first step of each epoch uses (after the LR callbacks ran), as the demo's lrCurve."""

    def __init__(self, curve):
        super().__init__()
        self.curve = curve

    def on_epoch_begin(self, epoch, logs=None):
        opt = self.model.optimizer
        lr = opt.learning_rate
        if isinstance(opt._learning_rate, keras.optimizers.schedules.LearningRateSchedule):
            lr = opt._learning_rate(opt.iterations)
        self.curve.append(float(np.asarray(lr)))


def main():
    def extra(p):
        p.add_argument("--schedules", default=",".join(EPOCHS["notebook"]), help="comma-separated")

    args = parse_args("schedules", "42-44", extra)
    (x, y), (xv, yv), _ = fashion_mnist()
    epochs_of = EPOCHS[args.profile]
    steps = math.ceil(len(x) / BATCH)
    settings = {
        **{f"epochs{k[0].upper()}{k[1:]}": v for k, v in epochs_of.items()},
        "batchSize": BATCH, "learningRate": LR0, "trainSize": int(len(x)), "validationSize": int(len(xv)),
        "shuffle": "a new permutation every epoch", "model": "3 x Dense(100, relu, he_normal), SGD",
    }
    ref = Reference("schedules", args.profile, "schedules.py", settings, args.out)
    L = keras.layers
    for name in args.schedules.split(","):
        epochs = epochs_of[name]
        for seed in args.seeds:
            keras.utils.set_random_seed(seed)
            model = keras.Sequential(
                [keras.Input((28, 28)), L.Flatten()]
                + [L.Dense(100, activation="relu", kernel_initializer="he_normal") for _ in range(3)]
                + [L.Dense(10, activation="softmax")]
            )
            optimizer, callbacks = schedule_setup(name, steps, epochs)
            model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
            lrs = []
            started = time.perf_counter()
            h = fit(model, x, y, epochs=epochs, batch_size=BATCH, seed=seed, validation_data=(xv, yv),
                    callbacks=[*callbacks, LrRecorder(lrs)])
            seconds = (time.perf_counter() - started) / epochs
            ref.metric(f"{name}.valAccuracy", seed, h["val_accuracy"][-1],
                       f"{name}: final validation accuracy after {epochs} epochs")
            ref.metric(f"{name}.valLoss", seed, h["val_loss"][-1], f"{name}: final validation loss")
            ref.metric(f"{name}.secondsPerEpoch", seed, seconds, "fit wall-clock per epoch, 1 thread")
            ref.curve("schedules.valAccuracy", name, seed, h["val_accuracy"])
            ref.curve("schedules.lr", name, seed, lrs)
            ref.save()
            print(f"{name} seed {seed}: val {h['val_accuracy'][-1]:.4f}, lr {lrs[0]:.4g}..{lrs[-1]:.4g}, "
                  f"{seconds:.1f} s/epoch", flush=True)
        print(f"{name}: {summary(ref.doc['metrics'][f'{name}.valAccuracy']['values'])}", flush=True)


if __name__ == "__main__":
    main()
