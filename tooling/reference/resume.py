#!/usr/bin/env python3
"""Keras 3 reference for `pnpm demo resume`: does a run interrupted mid-epoch and resumed with Keras 3's own
fault-tolerance callback, `keras.callbacks.BackupAndRestore`, end with the same weights as the uninterrupted run?

Run from the repository root (one thread; see tooling/reference/README.md):
  nice -n 5 /path/to/venv/bin/python tooling/reference/resume.py --seeds 42-51
Writes (merges into) tooling/reference/keras/resume.<profile>.json.

The demo's settings (apps/demo/src/experiments/resume.ts, RESUME_PROFILES; notebook = quick): the seed cell 5
BN-MLP (Flatten -> BN -> Dense 300 relu he_normal -> BN -> Dense 100 relu he_normal -> BN -> Dense 10 softmax), SGD
lr 0.01 momentum 0.9, `LearningRateScheduler(lambda epoch: 0.01 * 0.5 ** epoch)` and `ReduceLROnPlateau(factor=0.5,
patience=1)` on val_loss, batch 32, 2 epochs on the first 6,000 training images (the first 500 of them as
validation data, 5,500 for training: 172 steps an epoch, 344 in all), a backup every 37 steps. Per seed, three
runs, each from `keras.utils.set_random_seed(seed)` with `tf.config.experimental.enable_op_determinism()`:
(1) uninterrupted; (2) with `BackupAndRestore(dir, save_freq=37)`, interrupted after a random global step `stop`
mid-epoch (30-90% of the run, never an epoch's last step; numpy `default_rng(seed + 1000)`, the demo draws its
own with its RandomStream(seed + 1000)) by a callback raising from `on_train_batch_end`, as Keras's own tests
interrupt; (3) a new model, optimizer and callbacks in the same process, `fit` again with the same
BackupAndRestore directory, which restores the backup. `identical` = 1 when every final weight of (3) (trainable
and BN moving statistics) equals (1)'s bit for bit; `maxAbsDiff` the largest |difference|.

Data order: one `fit(epochs=2, shuffle=True)` call per run (BackupAndRestore works inside one `fit`), i.e.
Keras's seeded shuffling (the same permutation every epoch, README "Shuffling"), not common.fit's per-epoch
`fit` calls; with the seed reset before each run every run sees the same order.

What Keras 3.15 restores (keras/src/callbacks/backup_and_restore.py): `model.save_weights` (model weights, BN
moving statistics and the optimizer's variables: iterations, momentum slots) and `{"epoch", "batch"}`; on
restore only `epoch` is used (`model._initial_epoch`): the recorded batch is ignored, so the interrupted epoch
restarts from its first batch with the weights saved mid-epoch, and the batches of that epoch before the backup
are applied a second time. Callback states (ReduceLROnPlateau's best/wait) are not restored. The extra metrics
`epochBoundary.*` interrupt at the start of the second epoch instead (`save_freq="epoch"`), where nothing is
replayed.
"""
import os
import shutil
import tempfile
import time

import numpy as np

from common import Reference, fashion_mnist, keras, parse_args, seed_cell5_model, tf

EPOCHS = 2
BATCH = 32
LIMIT = 6000
EVERY = 37


class Interrupt(RuntimeError):
    pass


class InterruptAt(keras.callbacks.Callback):
    """Raises after global step `stop` (0-based) of the run, counted as epoch * steps + batch."""

    def __init__(self, stop, steps):
        super().__init__()
        self.stop, self.steps, self.epoch = stop, steps, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.stop is not None and self.epoch * self.steps + batch == self.stop:
            raise Interrupt(f"interrupted after step {self.stop}")


class InterruptAtEpoch(keras.callbacks.Callback):
    """Raises at the start of epoch `epoch` (0-based), after the previous epoch's end-of-epoch backup."""

    def __init__(self, epoch):
        super().__init__()
        self.at = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.at:
            raise Interrupt(f"interrupted at the start of epoch {epoch}")


class CountSteps(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.count = 0

    def on_train_batch_end(self, batch, logs=None):
        self.count += 1


def run(seed, data, extra_callbacks):
    """One fit from the seed; the final weights, or None when interrupted."""
    (x, y), (xv, yv) = data
    keras.utils.set_random_seed(seed)
    model = seed_cell5_model()
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9), metrics=["accuracy"])
    callbacks = [keras.callbacks.LearningRateScheduler(lambda epoch: 0.01 * 0.5 ** epoch),
                 keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=1), *extra_callbacks]
    try:
        model.fit(x, y, epochs=EPOCHS, batch_size=BATCH, shuffle=True, validation_data=(xv, yv),
                  callbacks=callbacks, verbose=0)
    except Interrupt:
        return None, model
    return [np.array(w) for w in model.get_weights()], model


def compare(a, b):
    identical = len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x.view(np.uint32), y.view(np.uint32))
                                         for x, y in zip(a, b))
    diff = max(float(np.max(np.abs(x.astype(np.float64) - y.astype(np.float64)))) for x, y in zip(a, b))
    return identical, diff


def main():
    args = parse_args("resume", "42-44")
    tf.config.experimental.enable_op_determinism()
    (x, y), (xv, yv), _ = fashion_mnist()
    # The demo's --limit 6000: the first 6,000 training images, the first 500 of them for validation.
    xa = np.concatenate([xv, x])[:LIMIT]
    ya = np.concatenate([yv, y])[:LIMIT]
    nv = LIMIT // 12
    data = ((xa[nv:], ya[nv:]), (xa[:nv], ya[:nv]))
    steps = -(-(LIMIT - nv) // BATCH)
    total = steps * EPOCHS
    settings = {"epochs": EPOCHS, "batchSize": BATCH, "limit": LIMIT, "checkpointEvery": EVERY,
                "trainSize": LIMIT - nv, "validationSize": nv, "opDeterminism": True,
                "shuffle": "Keras fit(shuffle=True), seeded", "resume": "keras.callbacks.BackupAndRestore"}
    ref = Reference("resume", args.profile, "resume.py", settings, args.out)
    for seed in args.seeds:
        started = time.perf_counter()
        rng = np.random.default_rng(seed + 1000)
        stop = int(total * 0.3) + int(rng.integers(max(1, int(total * 0.6))))
        if stop % steps == steps - 1:
            stop -= 1
        reference, _ = run(seed, data, [])
        same_again, _ = run(seed, data, [])
        rerun_identical, _ = compare(reference, same_again)

        results = {}
        for case, interrupt, freq in [("midEpoch", InterruptAt(stop, steps), EVERY),
                                      ("epochBoundary", InterruptAtEpoch(1), "epoch")]:
            backup = tempfile.mkdtemp(prefix="keras-resume-")
            shutil.rmtree(backup)
            interrupted, _ = run(seed, data, [keras.callbacks.BackupAndRestore(backup, save_freq=freq), interrupt])
            assert interrupted is None
            counter = CountSteps()
            resumed, model = run(seed, data, [keras.callbacks.BackupAndRestore(backup, save_freq=freq), counter])
            identical, diff = compare(reference, resumed)
            results[case] = (identical, diff, counter.count, int(model.optimizer.iterations.numpy()))
            if os.path.exists(backup):
                shutil.rmtree(backup)
        seconds = time.perf_counter() - started

        backup_step = (stop + 1) // EVERY * EVERY
        identical, diff, ran, iterations = results["midEpoch"]
        ref.metric("identical", seed, int(identical),
                   "1 if the run interrupted mid-epoch and resumed with BackupAndRestore(save_freq=37) ends with "
                   "final weights bit-identical to the uninterrupted run's")
        ref.metric("maxAbsDiff", seed, diff, "largest |final weight difference|, resumed vs uninterrupted")
        ref.metric("interruptedAfterStep", seed, stop, "global step (0-based) after which run (2) raised")
        ref.metric("backupStep", seed, backup_step, "optimizer steps in the backup restored (a multiple of 37)")
        ref.metric("resumedSteps", seed, ran, "batches the resumed fit ran (it restarts the interrupted epoch)")
        ref.metric("resumedIterations", seed, iterations,
                   f"optimizer iterations at the end of the resumed run ({total} uninterrupted)")
        e_identical, e_diff, e_ran, e_iterations = results["epochBoundary"]
        ref.metric("epochBoundary.identical", seed, int(e_identical),
                   "1 if a run interrupted at the start of epoch 2 (save_freq='epoch') resumes bit-identically")
        ref.metric("epochBoundary.maxAbsDiff", seed, e_diff, "largest |final weight difference| of that case")
        ref.metric("rerun.identical", seed, int(rerun_identical),
                   "1 if two uninterrupted runs of the seed are bit-identical (op determinism)")
        ref.metric("seconds", seed, seconds, "wall-clock of the seed's five runs, 1 thread")
        ref.save()
        print(f"seed {seed}: stop {stop}, backup {backup_step}: identical {identical} (max |d| {diff:.3g}), "
              f"resumed fit ran {ran} steps, iterations {iterations}/{total}; epoch boundary identical "
              f"{e_identical} (max |d| {e_diff:.3g}, {e_ran} steps, {e_iterations}); rerun identical "
              f"{rerun_identical}; {seconds:.0f} s", flush=True)


if __name__ == "__main__":
    main()
