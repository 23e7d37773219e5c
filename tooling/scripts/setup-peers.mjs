#!/usr/bin/env node
// `pnpm bench:peers [--venv DIR] [--python PY] [--force] [--check]`: the bench's Python peers, PyTorch 2 and
// Keras 3 on TensorFlow (issue 24), in one virtual environment that `pnpm bench` then uses by itself.
//
// 1. If DIR (default `.venv-peers` at the repository root, git-ignored) already imports torch >= 2 and Keras 3
//    with TensorFlow, it says so and stops (--force reinstalls, --check only verifies).
// 2. Otherwise `PY -m venv DIR` (PY: default `python3`), then `DIR/bin/python -m pip install` torch, keras,
//    tensorflow-cpu (tensorflow off Linux) and numpy. Where pip's configuration names local indexes
//    (`extra-index-url`, as on this project's machines, whose public index is unreachable), the first becomes
//    `--index-url` and the rest stay extra, so pip never waits on the public one; elsewhere pip's defaults apply.
// 3. It verifies the venv in a fresh process (versions, a torch gradient, a Keras `fit` step) and prints them.
//
// Exit status: 0 ready; 3 pip could not install the packages (no index reachable: the bench skips its Python
// peers, saying why); 1 anything else (bad arguments, a venv that installed but does not work).
// `pnpm bench` picks its Python as: --python, $STEADYGRAD_BENCH_PYTHON, this venv when it exists, /usr/bin/python3.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const say = (line) => console.log(`bench:peers: ${line}`);

let values;
try {
  ({ values } = parseArgs({
    options: {
      venv: { type: 'string', default: join(ROOT, '.venv-peers') },
      python: { type: 'string', default: 'python3' },
      force: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
    },
  }));
} catch (e) {
  console.error(`bench:peers: ${e.message}`);
  console.error('usage: pnpm bench:peers [--venv DIR] [--python PY] [--force] [--check]');
  process.exit(1);
}
const venv = resolve(values.venv);
const venvPython = join(venv, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');

// A fresh process: imports, versions, one torch gradient and one Keras training step on random data.
const VERIFY = `
import json, os
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np, torch, keras, tensorflow as tf
w = torch.tensor([2.0], requires_grad=True)
(w * w).sum().backward()
m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
loss = m.train_on_batch(np.ones((8, 4), "float32"), np.zeros((8,), "int64"))
print(json.dumps({"torch": torch.__version__, "keras": keras.__version__, "tensorflow": tf.__version__,
  "numpy": np.__version__, "torchGradient": float(w.grad[0]), "kerasLoss": float(np.asarray(loss).ravel()[0])}))
`;

/** `null` when the venv cannot run the peers, else what it has. */
function verify() {
  if (!existsSync(venvPython)) return { ok: false, why: `${venvPython} does not exist` };
  const r = spawnSync(venvPython, ['-c', VERIFY], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, why: (r.stderr || r.stdout).trim().split('\n').pop() };
  const v = JSON.parse(r.stdout.trim().split('\n').pop());
  if (!/^[2-9]\./.test(v.torch)) return { ok: false, why: `torch ${v.torch} is not PyTorch 2` };
  if (!/^3\./.test(v.keras)) return { ok: false, why: `keras ${v.keras} is not Keras 3` };
  if (v.torchGradient !== 4 || !Number.isFinite(v.kerasLoss))
    return { ok: false, why: `wrong results: ${JSON.stringify(v)}` };
  return { ok: true, versions: v };
}

function report(v) {
  say(`ready: ${venvPython}`);
  say(`torch ${v.torch}, keras ${v.keras} on tensorflow ${v.tensorflow}, numpy ${v.numpy}`);
  say('`pnpm bench` uses it (or pass --python / set STEADYGRAD_BENCH_PYTHON)');
}

/** pip's configured indexes, as `--index-url`/`--extra-index-url` arguments (none if it names none). */
function indexArgs() {
  const r = spawnSync(values.python, ['-m', 'pip', 'config', 'list'], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  const urls = [];
  for (const line of r.stdout.split('\n')) {
    const m = line.match(/^[\w:.-]*\.?(index-url|extra-index-url)='(.*)'$/);
    if (m === null) continue;
    for (const url of m[2].split(/\s+/)) if (url !== '' && !urls.includes(url)) urls.push(url);
  }
  if (urls.length === 0) return [];
  return ['--index-url', urls[0], ...urls.slice(1).flatMap((u) => ['--extra-index-url', u])];
}

const before = verify();
if (values.check) {
  if (before.ok) report(before.versions);
  else say(`not ready: ${before.why}`);
  process.exit(before.ok ? 0 : 1);
}
if (before.ok && !values.force) {
  say('already installed');
  report(before.versions);
  process.exit(0);
}

if (existsSync(venv)) rmSync(venv, { recursive: true, force: true });
say(`${values.python} -m venv ${venv}`);
const made = spawnSync(values.python, ['-m', 'venv', venv], { stdio: 'inherit' });
if (made.status !== 0) {
  console.error(`bench:peers: ${values.python} -m venv failed (on Debian: apt-get install python3-venv)`);
  process.exit(1);
}
const packages = [
  'torch>=2',
  'keras>=3,<4',
  process.platform === 'linux' ? 'tensorflow-cpu' : 'tensorflow',
  'numpy',
];
const pipArgs = ['-m', 'pip', 'install', '--quiet', ...indexArgs(), ...packages];
say(`pip install ${pipArgs.slice(4).join(' ')}`);
const started = Date.now();
const installed = spawnSync(venvPython, pipArgs, { stdio: 'inherit' });
if (installed.status !== 0) {
  rmSync(venv, { recursive: true, force: true });
  console.error(
    'bench:peers: pip could not install the peers (is a package index reachable?); `pnpm bench` runs without them',
  );
  process.exit(3);
}
say(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
const after = verify();
if (!after.ok) {
  console.error(`bench:peers: the venv installed but does not work: ${after.why}`);
  process.exit(1);
}
report(after.versions);
