import { type BatchSource, SteadygradError } from '@steadygrad/core';
import { asSource, type DataLike } from './batching.js';
import { checkFiniteInput, checkTargets } from './check-data.js';
import type { Compiled } from './compile-options.js';
import type { TrainableModel } from './trainer-contract.js';

/** `x` and `y` as batch sources holding the same, non-zero number of samples. */
export function pairedSources(
  xName: string,
  yName: string,
  x: unknown,
  y: unknown,
): [BatchSource, BatchSource] {
  const xs = asSource(xName, x);
  const ys = asSource(yName, y);
  if (xs.size !== ys.size) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `${xName} and ${yName} must hold the same number of samples, got ${xs.size} inputs and ${ys.size} targets`,
      { details: { x: xs.size, y: ys.size } },
    );
  }
  if (xs.size === 0) {
    throw new SteadygradError('INVALID_ARGUMENT', `${xName} is empty: expected at least one sample`);
  }
  return [xs, ys];
}

/** Builds the model when it is not built yet: from its declared input shape, else from the data's. */
export function ensureBuilt(m: TrainableModel, x: BatchSource): void {
  if (m.built === true || m.outputShape !== undefined || typeof m.build !== 'function') return;
  try {
    m.build();
  } catch (e) {
    if (e instanceof SteadygradError && e.code === 'NOT_BUILT') m.build([null, ...x.shape]);
    else throw e;
  }
}

/** The data checks of `fit` and `evaluate`: finite inputs, labels in range for the loss and the model's output. */
export async function checkData(c: Compiled, prefix: string, x: DataLike, y: DataLike): Promise<void> {
  await checkFiniteInput(`${prefix}x`, x);
  await checkTargets(`${prefix}y`, y, { kind: c.lossKind, outputShape: c.model.outputShape });
}
