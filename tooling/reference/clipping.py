#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo clipping`: seed cells 9-10, gradient clipping against exploding gradients.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/clipping.py --seeds 42-51
Writes (merges into) tooling/reference/keras/clipping.notebook.json. The demo's quick profile is the notebook's
(`quick: {}`), so clipping.quick.json is a copy (quick-from-notebook.py).

The demo's experiment (apps/demo/src/experiments/clipping.ts): Flatten -> 5 x Dense(100, relu, he_normal) ->
Dense(1) (glorot_uniform) regresses the class index (0-9 as a float) with MSE, trained on all 60,000 training
images (no validation split: the demo uses the whole training set here), plain SGD at learning rate 0.03,
batch 32 (a new permutation every epoch, common.fit), 2 epochs; four runs from the same seed: no clipping,
`clipnorm=1.0` (each variable's gradient scaled to norm <= 1), `clipvalue=1.0` (each coordinate clipped to
[-1, 1]) and `global_clipnorm=1.0` (all gradients together). Test MSE on the 10,000 test images (batches of
1,000).

"Diverged" as the demo decides it: training met a non-finite step (the demo's fit stops at the first step whose
loss or gradient is NaN/inf, `nonFinite: 'stop'`; here a callback stops at the first batch whose running loss
is not finite -- a non-finite gradient makes the weights, and so the next loss, non-finite -- and the final
weights are checked too), or the last epoch's mean training loss is above 10 x the variance of the training
targets. A diverged run has no test loss (null).
"""
import time

import numpy as np
from common import Reference, fashion_mnist, keras, parse_args

LEARNING_RATE = 0.03
THRESHOLD = 1.0
DEPTH = 5
RUNS = {
    "none": {},
    "clipNorm": {"clipnorm": THRESHOLD},
    "clipValue": {"clipvalue": THRESHOLD},
    "globalClipNorm": {"global_clipnorm": THRESHOLD},
}


class StopOnNonFinite(keras.callbacks.Callback):
    """Stops training at the first batch whose (running mean) loss is NaN or infinite, noting where."""

    def __init__(self):
        super().__init__()
        self.at = None
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if self.at is None and loss is not None and not np.isfinite(float(loss)):
            self.at = (self.epoch, batch)
            self.model.stop_training = True


def build():
    layers = [keras.Input((28, 28)), keras.layers.Flatten()]
    layers += [keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal") for _ in range(DEPTH)]
    layers.append(keras.layers.Dense(1))
    return keras.Sequential(layers)


def main():
    args = parse_args("clipping", "42-51")
    if args.profile != "notebook":
        raise SystemExit("the quick profile is the notebook's: run the notebook one and quick-from-notebook.py")
    (x, y), (xv, yv), (xt, yt) = fashion_mnist()
    # the demo trains on all 60,000 training images, in their file order
    x = np.concatenate([xv, x])
    y = np.concatenate([yv, y]).astype(np.float32)[:, None]
    yt = yt.astype(np.float32)[:, None]
    epochs, batch_size = 2, 32
    target_variance = float(np.mean(y.astype(np.float64) ** 2) - np.mean(y.astype(np.float64)) ** 2)
    exploded_above = 10 * target_variance
    settings = {
        "epochs": epochs,
        "batchSize": batch_size,
        "learningRate": LEARNING_RATE,
        "threshold": THRESHOLD,
        "network": f"Flatten -> {DEPTH} x Dense(100, relu, he_normal) -> Dense(1), loss mse",
        "trainSize": int(len(x)),
        "testSize": int(len(xt)),
        "explodedAbove": exploded_above,
        "shuffle": "a new permutation every epoch",
    }
    ref = Reference("clipping", args.profile, "clipping.py", settings, args.out)
    for seed in args.seeds:
        for name, clip in RUNS.items():
            started = time.perf_counter()
            keras.utils.set_random_seed(seed)
            model = build()
            model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE, **clip))
            stop = StopOnNonFinite()
            rng = np.random.default_rng(seed)
            losses = []
            for epoch in range(epochs):
                order = rng.permutation(len(x))
                h = model.fit(x[order], y[order], epochs=epoch + 1, initial_epoch=epoch, batch_size=batch_size,
                              shuffle=False, verbose=0, callbacks=[stop]).history
                losses.extend(h["loss"])
                if stop.at is not None:
                    break
            weights_finite = all(np.all(np.isfinite(w)) for w in model.get_weights())
            last = losses[-1] if losses else float("nan")
            finite = stop.at is None and weights_finite and np.isfinite(last)
            diverged = (not finite) or last > exploded_above
            test_loss = None if diverged else float(model.evaluate(xt, yt, batch_size=1000, verbose=0))
            ref.metric(f"{name}.diverged", seed, 1 if diverged else 0,
                       "1 when training met a non-finite loss or its last epoch's loss exceeded 10 x the target variance")
            ref.metric(f"{name}.testLoss", seed, float("nan") if test_loss is None else test_loss,
                       "test MSE after training (null when diverged)")
            ref.metric(f"{name}.finalLoss", seed, last if finite else float("nan"),
                       "training MSE of the last epoch (null when not finite)")
            ref.save()
            where = f"non-finite at epoch {stop.at[0]}, step {stop.at[1]}" if stop.at else \
                f"loss {' -> '.join(f'{v:.4f}' for v in losses)}"
            print(f"seed {seed} {name:14s} {'diverged' if diverged else 'trained'}: {where}"
                  f"{'' if test_loss is None else f', test MSE {test_loss:.4f}'} ({time.perf_counter() - started:.0f} s)",
                  flush=True)
    m = ref.doc["metrics"]
    for name in RUNS:
        d = m[f"{name}.diverged"]["values"]
        t = [v for v in m[f"{name}.testLoss"]["values"] if v is not None]
        print(f"{name}: diverged {sum(d)}/{len(d)}, test MSE {np.mean(t) if t else float('nan'):.4f}"
              f" ± {np.std(t, ddof=1) if len(t) > 1 else 0:.4f} (n={len(t)})", flush=True)


if __name__ == "__main__":
    main()
