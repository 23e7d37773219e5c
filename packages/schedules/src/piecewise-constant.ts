import { checkOptions, optionKeys, type Schedule, SteadygradError } from '@steadygrad/core';
import { checkNumberArray } from './check-number-array.js';
import { checkStep } from './check-step.js';

/** Options of `piecewiseConstant` (after Keras `PiecewiseConstantDecay`). */
export interface PiecewiseConstantOptions {
  /** b_0 < b_1 < ... (finite, >= 0, strictly increasing). */
  readonly boundaries: readonly number[];
  /** v_0, ..., v_n: one more than `boundaries` (finite, >= 0). */
  readonly values: readonly number[];
}

const KEYS = optionKeys<PiecewiseConstantOptions>()(['boundaries', 'values']);

/**
 * Keras 3 `PiecewiseConstantDecay`: `values[0]` for `t <= b[0]`, `values[i]` for `b[i-1] < t <= b[i]`,
 * `values[n]` for `t > b[n-1]`. A boundary step itself still belongs to the segment on its left.
 *
 * The seed's `piecewise_constant_fn(epoch)` (`epoch < 5 → 0.01`, `epoch < 15 → 0.005`, else `0.001`) switches
 * AT the boundary (`t >= b` belongs to the right), i.e. for integer epochs it is this schedule with boundaries
 * `[4, 14]`; optax's `piecewise_constant_schedule` and PyTorch's `MultiStepLR` switch at the boundary too.
 */
export function piecewiseConstant(options: PiecewiseConstantOptions): Schedule {
  checkOptions('piecewiseConstant', options, KEYS);
  const { boundaries, values } = options;
  const b = checkNumberArray('boundaries', boundaries, { min: 0 }, { strictlyIncreasing: true });
  const v = checkNumberArray('values', values, { min: 0 });
  if (v.length !== b.length + 1) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `values must have one more entry than boundaries (${b.length} boundaries need ${b.length + 1} values), got ${v.length} values`,
      { details: { boundaries, values } },
    );
  }
  return (step) => {
    const t = checkStep(step);
    let i = 0;
    while (i < b.length && t > b[i]!) i++;
    return v[i]!;
  };
}
