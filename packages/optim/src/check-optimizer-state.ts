import { flattenTree, SteadygradError, tf } from '@steadygrad/core';
import { OPTIMIZER_STATE_FORMAT, type OptimizerStateMeta } from './optimizer.js';
import type { Transform } from './transform.js';

/** What a state check needs to know about a tensor (a `Tensor` is one). */
export interface TensorSpec {
  readonly shape: readonly number[];
  readonly dtype: string;
}

/** A parameter as a state check sees it (a core `Parameter` is one). */
export interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly variable: { readonly dtype: string };
}

/** The reference layout of a transformation's state for given parameters: skeleton and tensor specs. */
export interface StateLayout {
  readonly skeleton: unknown;
  readonly tensors: Readonly<Record<string, TensorSpec>>;
}

/**
 * The layout `tx.init` gives for parameters of these shapes and dtypes: built from zeros inside `tf.tidy`
 * (nothing stays allocated), only the skeleton and the tensors' shapes and dtypes are kept.
 */
export function stateLayout(
  tx: Transform<unknown>,
  params: readonly { readonly name: string; readonly shape: readonly number[]; readonly dtype: string }[],
): StateLayout {
  let layout: StateLayout | undefined;
  tf.tidy(() => {
    const values: Record<string, tf.Tensor> = {};
    for (const p of params) values[p.name] = tf.zeros([...p.shape], p.dtype as 'float32');
    const { tensors, skeleton } = flattenTree(tx.init(values));
    const specs: Record<string, TensorSpec> = {};
    for (const [k, t] of Object.entries(tensors)) specs[k] = { shape: [...t.shape], dtype: t.dtype };
    layout = { skeleton: structuredClone(skeleton), tensors: specs };
  });
  return layout!;
}

function isPlaceholder(x: unknown): x is { $tensor: string } {
  return (
    typeof x === 'object' &&
    x !== null &&
    !Array.isArray(x) &&
    Object.keys(x).length === 1 &&
    typeof (x as { $tensor?: unknown }).$tensor === 'string'
  );
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/**
 * Compares a saved state (skeleton + tensor specs) with the reference layout. Structural differences (another
 * transformation, other links, other shapes or dtypes) go to `incompatible`; values no optimizer writes (a
 * negative or fractional count, a NaN or negative learning rate, a string where a number belongs) to `corrupt`.
 */
export function compareStateLayout(
  ref: StateLayout,
  skeleton: unknown,
  tensors: Readonly<Record<string, TensorSpec>>,
  incompatible: string[],
  corrupt: string[],
): void {
  const walk = (r: unknown, s: unknown, path: string, key: string): void => {
    const at = path === '' ? 'the state' : `state '${path}'`;
    if (isPlaceholder(r)) {
      if (!isPlaceholder(s)) {
        incompatible.push(`${at} should be a tensor, the checkpoint has ${show(s)}`);
        return;
      }
      const want = ref.tensors[r.$tensor]!;
      const got = tensors[s.$tensor];
      if (got === undefined) {
        corrupt.push(`state tensor '${s.$tensor}' is missing`);
        return;
      }
      if (got.dtype !== want.dtype || !tf.util.arraysEqual([...got.shape], [...want.shape])) {
        incompatible.push(
          `${at} is ${got.dtype} [${got.shape}] in the checkpoint, this optimizer keeps ${want.dtype} [${want.shape}]`,
        );
      }
      return;
    }
    if (Array.isArray(r)) {
      if (!Array.isArray(s) || s.length !== r.length) {
        incompatible.push(
          `${at} holds ${r.length} entries for this optimizer (one per link of its chain), the checkpoint has ${Array.isArray(s) ? s.length : show(s)}`,
        );
        return;
      }
      for (const [i, v] of r.entries()) walk(v, s[i], path === '' ? String(i) : `${path}/${i}`, String(i));
      return;
    }
    if (typeof r === 'object' && r !== null) {
      if (typeof s !== 'object' || s === null || Array.isArray(s) || isPlaceholder(s)) {
        incompatible.push(
          `${at} should be an object with [${Object.keys(r).join(', ')}], the checkpoint has ${show(s)}`,
        );
        return;
      }
      const rk = Object.keys(r).sort();
      const sk = Object.keys(s).sort();
      if (rk.join('\u0000') !== sk.join('\u0000')) {
        incompatible.push(
          `${at} has the entries [${rk.join(', ')}] for this optimizer, [${sk.join(', ')}] in the checkpoint`,
        );
        return;
      }
      for (const k of rk)
        walk(
          (r as Record<string, unknown>)[k],
          (s as Record<string, unknown>)[k],
          path === '' ? k : `${path}/${k}`,
          k,
        );
      return;
    }
    const number = typeof s === 'number';
    if (key === 'count' || (typeof r === 'number' && /count|step/i.test(key))) {
      if (!number || !Number.isSafeInteger(s) || s < 0)
        corrupt.push(`${at} must be a count (an integer >= 0), got ${show(s)}`);
      return;
    }
    if (key === 'learningRate' || key === 'lr') {
      if (!(s === null || (number && Number.isFinite(s) && s >= 0)))
        corrupt.push(`${at} must be null or a finite learning rate >= 0, got ${show(s)}`);
      return;
    }
    if (r === null) {
      if (s !== null) incompatible.push(`${at} is null for this optimizer, the checkpoint has ${show(s)}`);
      return;
    }
    if (typeof r === 'number') {
      if (!number || !Number.isFinite(s)) corrupt.push(`${at} must be a finite number, got ${show(s)}`);
      return;
    }
    if (typeof s !== typeof r) corrupt.push(`${at} must be a ${typeof r}, got ${show(s)}`);
  };
  walk(ref.skeleton, skeleton, '', '');
  const used = new Set<string>();
  const collect = (s: unknown): void => {
    if (isPlaceholder(s)) used.add(s.$tensor);
    else if (Array.isArray(s)) s.forEach(collect);
    else if (typeof s === 'object' && s !== null) Object.values(s).forEach(collect);
  };
  collect(skeleton);
  const extra = Object.keys(tensors).filter((k) => !used.has(k));
  if (extra.length > 0) corrupt.push(`tensors [${extra.slice(0, 5).join(', ')}] are not part of the state`);
}

/** Throws the first collected problems as one error (INCOMPATIBLE before CORRUPT_DATA). */
export function throwStateProblems(
  incompatible: readonly string[],
  corrupt: readonly string[],
  hint: string,
): void {
  if (incompatible.length > 0) {
    throw new SteadygradError(
      'INCOMPATIBLE',
      `the optimizer state does not fit this optimizer: ${incompatible.slice(0, 4).join('; ')}${incompatible.length > 4 ? `; … (${incompatible.length} differences)` : ''}. ${hint}`,
      { details: { differences: [...incompatible] } },
    );
  }
  if (corrupt.length > 0) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `the optimizer state is invalid: ${corrupt.slice(0, 4).join('; ')}${corrupt.length > 4 ? `; … (${corrupt.length} problems)` : ''}`,
      { details: { problems: [...corrupt] } },
    );
  }
}

/** Above this many parameter elements, a state's layout is only checked against the live parameters. */
const MAX_UNVERIFIED_ELEMENTS = 2 ** 24;
const STATE_HINT =
  'Restore it into an optimizer built the same way (the same transformation and hyperparameters), or leave the optimizer fresh.';

function isShapeArray(s: unknown): s is number[] {
  return Array.isArray(s) && s.length <= 8 && s.every((d) => Number.isSafeInteger(d) && d >= 0);
}

/**
 * The checks of `Optimizer.checkState` (see there); `layoutFor` gives the reference layout of the optimizer's
 * transformation for parameters of the given shapes and dtypes.
 */
export function checkOptimizerState(
  s: { readonly meta: unknown; readonly tensors: Readonly<Record<string, TensorSpec>> },
  params: readonly ParameterSpec[] | undefined,
  layoutFor: (specs: readonly { name: string; shape: readonly number[]; dtype: string }[]) => StateLayout,
): void {
  const meta = (s as { meta?: unknown } | null)?.meta as Partial<OptimizerStateMeta> | undefined;
  if (typeof meta !== 'object' || meta === null || meta.format !== OPTIMIZER_STATE_FORMAT) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `optimizer state must come from Optimizer.getState() (meta.format '${OPTIMIZER_STATE_FORMAT}', iterations, parameterNames, learningRateOverride, skeleton), got meta ${JSON.stringify(meta)?.slice(0, 80)}`,
    );
  }
  const corrupt: string[] = [];
  const incompatible: string[] = [];
  const tensors = (s.tensors ?? {}) as Readonly<Record<string, TensorSpec>>;
  if (typeof tensors !== 'object' || Array.isArray(tensors)) corrupt.push('tensors must be an object');
  for (const [k, t] of Object.entries(tensors)) {
    if (typeof t !== 'object' || t === null || !isShapeArray(t.shape) || typeof t.dtype !== 'string')
      corrupt.push(`tensor '${k}' is not a tensor`);
  }
  if (!Number.isSafeInteger(meta.iterations) || (meta.iterations as number) < 0)
    corrupt.push(`iterations must be an integer >= 0, got ${JSON.stringify(meta.iterations)}`);
  const lr = meta.learningRateOverride;
  if (!(lr === null || (typeof lr === 'number' && Number.isFinite(lr) && lr >= 0)))
    corrupt.push(
      `learningRateOverride must be null or a finite number >= 0, got ${JSON.stringify(lr) ?? String(lr)}`,
    );
  const names = meta.parameterNames;
  const namesOk =
    names === null ||
    (Array.isArray(names) &&
      names.every((n) => typeof n === 'string') &&
      new Set(names).size === names.length);
  if (!namesOk) corrupt.push('parameterNames must be null or an array of unique names');
  throwStateProblems([], corrupt, STATE_HINT);
  if (names === null || names === undefined) {
    if ((meta.skeleton ?? null) !== null || Object.keys(tensors).length > 0)
      corrupt.push('a state without parameterNames (before the first step) holds no skeleton and no tensors');
    throwStateProblems([], corrupt, STATE_HINT);
    return;
  }
  let specs: { name: string; shape: readonly number[]; dtype: string }[] | null = null;
  const saved = meta.parameters;
  if (saved !== undefined && saved !== null) {
    if (
      !Array.isArray(saved) ||
      saved.length !== names.length ||
      !saved.every(
        (p) => typeof p === 'object' && p !== null && isShapeArray(p.shape) && typeof p.dtype === 'string',
      )
    ) {
      corrupt.push('parameters must list the shape and dtype of each of parameterNames');
      throwStateProblems([], corrupt, STATE_HINT);
    }
    specs = names.map((name, i) => ({ name, shape: saved[i]!.shape, dtype: saved[i]!.dtype }));
  }
  if (params !== undefined) {
    const live = new Map(params.map((p) => [p.name, p]));
    const fromLive: { name: string; shape: readonly number[]; dtype: string }[] = [];
    for (const [i, name] of names.entries()) {
      const p = live.get(name);
      if (p === undefined) {
        incompatible.push(`it was built for parameter '${name}', which this model does not have`);
        continue;
      }
      const want = specs?.[i];
      if (
        want !== undefined &&
        (want.dtype !== p.variable.dtype || !tf.util.arraysEqual([...want.shape], [...p.shape]))
      )
        incompatible.push(
          `parameter '${name}' is ${want.dtype} [${want.shape}] in the state, ${p.variable.dtype} [${p.shape}] in the model`,
        );
      fromLive.push({ name, shape: [...p.shape], dtype: p.variable.dtype });
    }
    throwStateProblems(incompatible, corrupt, STATE_HINT);
    specs = fromLive;
  }
  if (specs !== null && params === undefined) {
    const elements = specs.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
    if (elements > MAX_UNVERIFIED_ELEMENTS) specs = null;
  }
  if (specs !== null) {
    compareStateLayout(layoutFor(specs), meta.skeleton, tensors, incompatible, corrupt);
  } else {
    compareStateLayout({ skeleton: meta.skeleton, tensors }, meta.skeleton, tensors, incompatible, corrupt);
  }
  throwStateProblems(incompatible, corrupt, STATE_HINT);
}
