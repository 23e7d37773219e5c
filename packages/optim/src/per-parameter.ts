import { type Params, SteadygradError, type Tensor, tf } from '@steadygrad/core';

/** `{ name: f(update, name) }` for every entry of `updates`. */
export function mapUpdates(
  updates: Params,
  f: (update: Tensor, name: string) => Tensor,
): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, u] of Object.entries(updates)) out[name] = f(u, name);
  return out;
}

/** A per-parameter state tensor for each parameter, filled with `value` (zeros by default). */
export function fillLike(params: Params, value = 0): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, p] of Object.entries(params))
    out[name] = value === 0 ? tf.zerosLike(p) : tf.fill(p.shape, value, p.dtype);
  return out;
}

/** The state entry of parameter `name`; a clear `NOT_FOUND` when `init` never saw that parameter. */
export function stateOf<T>(record: Readonly<Record<string, T>>, name: string, owner: string): T {
  const v = Object.hasOwn(record, name) ? record[name] : undefined;
  if (v === undefined) {
    throw new SteadygradError(
      'NOT_FOUND',
      `${owner} has no state for parameter '${name}': its state was initialized for [${Object.keys(record).join(', ')}]; call init with the parameters you update`,
      { details: { parameter: name, known: Object.keys(record) } },
    );
  }
  return v;
}

/** The parameter `name` from `params`, which `update` needs for this transformation. */
export function paramOf(params: Params | undefined, name: string, owner: string): Tensor {
  const p = params !== undefined && Object.hasOwn(params, name) ? params[name] : undefined;
  if (p === undefined) {
    throw new SteadygradError(
      'NOT_FOUND',
      `${owner} needs the value of parameter '${name}' in update(updates, state, params)`,
      {
        details: { parameter: name },
      },
    );
  }
  return p;
}
