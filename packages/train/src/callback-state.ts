import type { Parameter, Tensor } from '@steadygrad/core';

/**
 * The state a callback saves into a checkpoint: JSON-serializable `meta` (numbers may be ±Infinity or NaN)
 * and optional named tensors (e.g. `earlyStopping`'s best weights). `getState` returns tensors the caller
 * owns (disposes); `setState` copies what it keeps and leaves the given tensors to the caller.
 */
export interface CallbackState {
  readonly meta: unknown;
  readonly tensors?: Readonly<Record<string, Tensor>>;
}

/** A callback whose state is part of a checkpoint (`fit({ checkpoint })`, `fit({ resumeFrom })`). */
export interface StatefulCallback {
  /** A stable name identifying the callback kind in a checkpoint (checked on resume). */
  readonly stateName: string;
  /** The callback's state as JSON-safe values (saved in checkpoints). */
  getState(): CallbackState;
  /** Restores a state saved by `getState` (when resuming from a checkpoint). */
  setState(state: CallbackState): void;
  /**
   * Checks a saved state without changing anything (types, ranges, the tensors' shapes and dtypes against the
   * model's `parameters`); throws `CORRUPT_DATA` or `INCOMPATIBLE`. A resume calls it for every stateful
   * callback before anything is restored, so a bad state rejects the resume with the model untouched.
   */
  checkState?(state: CheckedCallbackState, context: { readonly parameters: readonly Parameter[] }): void;
}

/** A callback state as {@link StatefulCallback.checkState} sees it: metadata and the tensors' shapes. */
export interface CheckedCallbackState {
  readonly meta: unknown;
  readonly tensors?: Readonly<Record<string, { readonly shape: readonly number[]; readonly dtype: string }>>;
}

/** Whether `v` is an integer >= `min` (a safe integer, not a string or NaN). */
export function isCount(v: unknown, min = 0): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
}

/**
 * Whether a callback saves and restores its own state (`getState`/`setState`), so that checkpoints carry it and
 * a resumed run continues it.
 */
export function isStatefulCallback(c: unknown): c is StatefulCallback {
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof (c as StatefulCallback).stateName === 'string' &&
    typeof (c as StatefulCallback).getState === 'function' &&
    typeof (c as StatefulCallback).setState === 'function'
  );
}
