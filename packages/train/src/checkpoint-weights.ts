import { type Parameter, SteadygradError, tf } from '@steadygrad/core';
import { readCheckpoint } from '#checkpoint-io';

/** What {@link loadCheckpointWeights} read. */
export interface LoadedCheckpointWeights {
  /** The generation directory read. */
  readonly path: string;
  readonly generation: number;
  /** Where the saved run was (`{ epoch, step }`), when the checkpoint records it. */
  readonly position: { readonly epoch: number; readonly step: number } | undefined;
}

/**
 * Loads only the weights of the latest checkpoint in `dir` into `model` — the way to keep a run's weights
 * when its optimizer, callbacks or data changed (a resume with `fit({ resumeFrom })` would then be
 * `INCOMPATIBLE`). Then `fit` without `resumeFrom` starts a new run from them (fresh optimizer state).
 *
 * All or nothing: every parameter of the model (`model.parameters`, batch-norm statistics included) must be
 * in the checkpoint under its name, with the same shape and dtype, and every stored parameter must belong to
 * the model; everything is checked before the first weight is written, so a rejected call changes nothing
 * and leaks no tensor.
 *
 * @throws SteadygradError `NOT_FOUND`, `CORRUPT_DATA`, `CHECKSUM_MISMATCH` (see `readCheckpoint`),
 *   `INCOMPATIBLE` naming the parameters that differ.
 */
export async function loadCheckpointWeights(
  dir: string,
  model: { readonly parameters?: readonly Parameter[]; readonly trainableParameters: readonly Parameter[] },
): Promise<LoadedCheckpointWeights> {
  const params = model.parameters ?? model.trainableParameters;
  const file = await readCheckpoint(dir);
  const stored = [...file.tensors.keys()].filter((k) => k.startsWith('param/')).map((k) => k.slice(6));
  const problems: string[] = [];
  const names = new Set(params.map((p) => p.name));
  for (const p of params) {
    const t = file.tensors.get(`param/${p.name}`);
    if (t === undefined) problems.push(`'${p.name}' is not in the checkpoint`);
    else if (t.dtype !== p.variable.dtype || !tf.util.arraysEqual([...t.shape], [...p.shape]))
      problems.push(
        `'${p.name}' is ${t.dtype} [${t.shape}] in the checkpoint, ${p.variable.dtype} [${p.shape}] in the model`,
      );
  }
  const extra = stored.filter((n) => !names.has(n));
  if (extra.length > 0)
    problems.push(`the checkpoint also holds [${extra.join(', ')}], which the model lacks`);
  if (problems.length > 0) {
    throw new SteadygradError(
      'INCOMPATIBLE',
      `checkpoint ${file.path} does not hold this model's weights: ${problems.slice(0, 4).join('; ')}${problems.length > 4 ? `; … (${problems.length} differences)` : ''}`,
      { details: { file: file.path, problems } },
    );
  }
  for (const p of params) {
    const t = file.tensors.get(`param/${p.name}`)!;
    const v = tf.tensor(t.data, [...t.shape], t.dtype);
    try {
      p.assign(v);
    } finally {
      v.dispose();
    }
  }
  const pos = (file.meta as { position?: { epoch?: unknown; step?: unknown } } | null)?.position;
  const position =
    Number.isSafeInteger(pos?.epoch) && Number.isSafeInteger(pos?.step)
      ? { epoch: pos!.epoch as number, step: pos!.step as number }
      : undefined;
  return { path: file.path, generation: file.generation, position };
}
