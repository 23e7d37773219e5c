"""Shared by the Keras 3 reference scripts (tooling/reference/*.py): one thread, the demo's Fashion-MNIST
split, command-line seeds/profile, and the reference JSON (merged per seed, written atomically).
See tooling/reference/README.md for the format."""
import argparse
import datetime
import json
import os
import platform
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

import keras  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))
from idx_data import find, read_idx  # noqa: E402

import jsonfile  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.environ.get("SG_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def parse_seeds(text):
    """`42-51` or `42,43,44` as a list of ints."""
    seeds = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            seeds.extend(range(int(a), int(b) + 1))
        else:
            seeds.append(int(part))
    return seeds


def parse_args(experiment, default_seeds, extra=None):
    """--profile, --seeds, --out (and the script's own options through `extra(parser)`)."""
    p = argparse.ArgumentParser(description=f"Keras 3 reference for `pnpm demo {experiment}`")
    p.add_argument("--profile", choices=["notebook", "quick"], default="notebook")
    p.add_argument("--seeds", default=default_seeds, help="e.g. 42-51 or 42,43")
    p.add_argument("--out", default=None)
    if extra is not None:
        extra(p)
    args = p.parse_args()
    args.seeds = parse_seeds(args.seeds)
    if args.out is None:
        args.out = os.path.join(HERE, "keras", f"{experiment}.{args.profile}.json")
    return args


def fashion_mnist():
    """(x_train, y_train), (x_valid, y_valid), (x_test, y_test): pixels / 255 as float32, the first 5,000
    training images as the validation set (Géron, and the demo's `validationSplit(position: 'first')`)."""
    x = read_idx(find(DATA_DIR, "train-images-idx3-ubyte")).astype(np.float32) / 255.0
    y = read_idx(find(DATA_DIR, "train-labels-idx1-ubyte")).astype(np.int32)
    xt = read_idx(find(DATA_DIR, "t10k-images-idx3-ubyte")).astype(np.float32) / 255.0
    yt = read_idx(find(DATA_DIR, "t10k-labels-idx1-ubyte")).astype(np.int32)
    return (x[5000:], y[5000:]), (x[:5000], y[:5000]), (xt, yt)


def fit(model, x, y, *, epochs, batch_size, seed, shuffle="each-epoch", **kwargs):
    """`model.fit` with the samples reshuffled before **every** epoch, as Keras documents `shuffle=True` and as
    steadygrad's fit does. Keras 3 (TensorFlow backend) does not: once a global seed is set
    (`keras.utils.set_random_seed`, `tf.random.set_seed`), `fit(shuffle=True)` on arrays visits the samples in
    the same permuted order every epoch (tooling/fixtures/train-shuffle-keras.py, docs/keras-parity.md). Here
    each epoch gets its own permutation from `numpy.random.default_rng(seed)` (or the Generator given), fed to a
    one-epoch `fit` without shuffling (the optimizer's state carries over between the calls).
    `shuffle="keras-fit"` calls `fit(shuffle=True)` once instead (the repeated order). Returns the history
    dict, one entry per epoch."""
    if shuffle == "keras-fit":
        return model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0, **kwargs).history
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    history = {}
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        h = model.fit(x[order], y[order], epochs=epoch + 1, initial_epoch=epoch, batch_size=batch_size,
                      shuffle=False, verbose=0, **kwargs).history
        for key, values in h.items():
            history.setdefault(key, []).extend(values)
    return history


def versions():
    return {
        "python": platform.python_version(),
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "numpy": np.__version__,
    }


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "threads": 1}


def finite(value):
    """An int stays an int; a float is a float of 7 significant digits, or None (JSON null) when it is not
    finite (NaN, ±Infinity)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    v = float(value)
    return float(f"{v:.7g}") if np.isfinite(v) else None  # float32 figures: 7 significant digits


def finite_or_none(value):
    return None if value is None else finite(value)


def mean_or_none(values):
    """The mean of per-seed values, None if any is None (a non-finite value in some seed's run)."""
    return None if any(v is None for v in values) else float(np.mean(values))


class Reference:
    """A reference file being built: per-seed metric values and per-seed curves, merged into `path` on save.
    Non-finite figures are written as null (JSON has no NaN)."""

    def __init__(self, experiment, profile, script, settings, path):
        self.path = path
        self.doc = {
            "experiment": experiment,
            "profile": profile,
            "generatedBy": f"tooling/reference/{script}",
            "generated": None,
            "versions": versions(),
            "machine": machine(),
            "settings": settings,
            "metrics": {},
            "curves": {},
            "seedCurves": {},
        }
        if os.path.exists(path):
            with open(path) as f:
                old = json.load(f)
            if old.get("settings") != settings:
                sys.exit(f"{path}: settings differ from this run's; use another --out or delete it")
            ov, nv = old.get("versions", {}), self.doc["versions"]
            if (ov.get("keras"), ov.get("tensorflow")) != (nv["keras"], nv["tensorflow"]):
                sys.exit(f"{path}: made with other keras/tensorflow versions")
            self.doc["metrics"] = old.get("metrics", {})
            self.doc["seedCurves"] = old.get("seedCurves", {})

    def metric(self, metric_id, seed, value, description):
        m = self.doc["metrics"].setdefault(metric_id, {"values": [], "seeds": [], "description": description})
        m["description"] = description
        pairs = dict(zip(m["seeds"], m["values"]))
        pairs[seed] = finite(value)
        m["seeds"] = sorted(pairs)
        m["values"] = [pairs[s] for s in m["seeds"]]

    def curve(self, curve_id, label, seed, ys, xs=None):
        """One seed's series; the file's `curves` hold the mean over seeds (`seedCurves` each seed's)."""
        c = self.doc["seedCurves"].setdefault(curve_id, {})
        c.setdefault(label, {})[str(seed)] = {
            "x": list(xs) if xs is not None else list(range(1, len(ys) + 1)),
            "y": [finite(v) for v in ys],
        }

    def save(self):
        curves = {}
        for curve_id, labels in self.doc["seedCurves"].items():
            out = {"x": None, "series": {}}
            for label, per_seed in labels.items():
                runs = list(per_seed.values())
                n = min(len(r["y"]) for r in runs)
                out["x"] = runs[0]["x"][:n]
                out["series"][label] = [finite_or_none(mean_or_none([r["y"][i] for r in runs])) for i in range(n)]
            curves[curve_id] = out
        self.doc["curves"] = curves
        self.doc["generated"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        jsonfile.write(self.doc, self.path)


def summary(values):
    v = np.asarray(values, dtype=np.float64)
    std = float(v.std(ddof=1)) if len(v) > 1 else 0.0
    return f"{v.mean():.4f} ± {std:.4f} (n={len(v)})"


def seed_cell5_model():
    """Seed cell 5's BN-MLP (the demo's models.ts `seedCell5Model`): Flatten -> BN -> Dense 300 relu (He normal)
    -> BN -> Dense 100 relu (He normal) -> BN -> Dense 10 softmax."""
    L = keras.layers
    return keras.Sequential([
        keras.Input((28, 28)), L.Flatten(), L.BatchNormalization(),
        L.Dense(300, activation="relu", kernel_initializer="he_normal"), L.BatchNormalization(),
        L.Dense(100, activation="relu", kernel_initializer="he_normal"), L.BatchNormalization(),
        L.Dense(10, activation="softmax"),
    ])
