#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo lr-finder`: the learning-rate range test on the seed cell 5 model.

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/lr-finder.py --seeds 42-51
Writes (merges into) tooling/reference/keras/lr-finder.<profile>.json.

As the demo (`findLearningRate`): the cell 5 BN-MLP, plain SGD, 300 `train_on_batch` steps of batch 32 on the
55,000 training images (a new permutation each pass), the learning rate growing exponentially from 1e-5 to 10;
the losses smoothed by a bias-corrected moving average (beta 0.98), the sweep read up to the first smoothed loss
above 4x the best; reported: the rate at the lowest smoothed loss and a tenth of it (the suggested maximum).
"""
import numpy as np
from bn import build
from common import Reference, fashion_mnist, keras, parse_args


def main():
    args = parse_args("lr-finder", "42-51")
    (x, y), _, _ = fashion_mnist()
    steps, batch, min_lr, max_lr, beta = 300, 32, 1e-5, 10.0, 0.98
    settings = {"steps": steps, "batchSize": batch, "minLr": min_lr, "maxLr": max_lr, "beta": beta,
                "model": "seed cell 5 BN-MLP", "optimizer": "SGD, no momentum"}
    ref = Reference("lr-finder", args.profile, "lr-finder.py", settings, args.out)
    lrs = [min_lr * (max_lr / min_lr) ** (i / (steps - 1)) for i in range(steps)]
    for seed in args.seeds:
        keras.utils.set_random_seed(seed)
        rng = np.random.default_rng(seed)
        model = build("bn-after-activation")
        optimizer = keras.optimizers.SGD(learning_rate=min_lr)
        model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer)
        per_pass = -(-len(x) // batch)
        losses = []
        for i, lr in enumerate(lrs):
            if i % per_pass == 0:
                order = rng.permutation(len(x))
            optimizer.learning_rate.assign(lr)
            idx = order[(i % per_pass) * batch : (i % per_pass + 1) * batch]
            losses.append(float(model.train_on_batch(x[idx], y[idx])))
        smoothed, avg, best, best_i = [], 0.0, np.inf, 0
        for i, loss in enumerate(losses):
            avg = beta * avg + (1 - beta) * loss
            sm = avg / (1 - beta ** (i + 1))
            smoothed.append(sm)
            if not np.isfinite(sm) or (i > 0 and sm > 4 * best):
                break
            if sm < best:
                best, best_i = sm, i
        smoothed += [float("nan")] * (len(losses) - len(smoothed))
        ref.metric("minLossLr", seed, lrs[best_i], "learning rate at the lowest smoothed loss")
        ref.metric("suggestedMaxLr", seed, lrs[best_i] / 10, "a tenth of minLossLr")
        ref.curve("lr-finder.loss", "loss", seed, losses, xs=lrs)
        ref.curve("lr-finder.loss", "smoothed", seed, smoothed, xs=lrs)
        ref.save()
        print(f"seed {seed}: min smoothed loss at lr {lrs[best_i]:.3g}, suggested max lr {lrs[best_i] / 10:.3g}",
              flush=True)


if __name__ == "__main__":
    main()
