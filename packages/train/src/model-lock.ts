import { SteadygradError } from '@steadygrad/core';

/**
 * Which models are being trained right now, so that two `fit`s on one model (from two trainers, or a
 * `trainOnBatch` during a `fit`) are refused instead of interleaving their updates silently. The table lives
 * on `globalThis` under a registered symbol, created on first use (no import-time side effect), so that two
 * copies of this package in one process (two versions, a test runner's per-file modules) share it.
 */
interface Holder {
  readonly owner: object;
  readonly what: string;
}

const KEY = Symbol.for('steadygrad.train.busyModels');

function table(): WeakMap<object, Holder> {
  const g = globalThis as { [KEY]?: WeakMap<object, Holder> };
  g[KEY] ??= new WeakMap();
  return g[KEY];
}

function busy(what: string, holder: Holder): SteadygradError {
  return new SteadygradError(
    'BUSY',
    `${what}: the model is being trained by a running ${holder.what}; two trainings of one model would interleave their updates. Await the running ${holder.what} first (or set trainer.stopTraining = true to end it early)`,
    { details: { running: holder.what } },
  );
}

/** Marks `model` as trained by `owner` (`what`: 'fit', 'findLearningRate'); returns the release function. */
export function acquireModel(model: object, owner: object, what: string): () => void {
  const t = table();
  const holder = t.get(model);
  if (holder !== undefined) throw busy(what, holder);
  const mine = { owner, what };
  t.set(model, mine);
  return () => {
    if (t.get(model) === mine) t.delete(model);
  };
}

/** Throws `BUSY` when `model` is being trained, unless by `owner` in one of the `allowed` operations. */
export function checkModelFree(
  model: object,
  owner: object,
  what: string,
  allowed: readonly string[] = [],
): void {
  const holder = table().get(model);
  if (holder !== undefined && !(holder.owner === owner && allowed.includes(holder.what)))
    throw busy(what, holder);
}
