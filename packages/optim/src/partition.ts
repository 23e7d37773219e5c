import { type GradientTransformation, type Params, SteadygradError, type Tensor } from '@steadygrad/core';
import { paramOf } from './per-parameter.js';
import type { Transform } from './transform.js';

/** A parameter's group label: a record `{ name: label }` listing every parameter, or a function. */
export type Labels = Readonly<Record<string, string>> | ((name: string, param: Tensor) => string);

/**
 * A different transformation per parameter group (optax `multi_transform`), e.g. a lower learning rate for a
 * pretrained base, or `setToZero()` to freeze a group: `labels` gives each parameter's group, `transforms`
 * the transformation of each group. Each group's transformation sees only its parameters; the state is
 * `{ group: state }`.
 *
 * Learning rate: the reference group is the first group (in key order) whose rate is positive (else the first
 * group with a rate). `get` reads its rate; `set(lr)` gives every group `lr` times its current ratio to the
 * reference (`lr · own/ref`, exactly `lr` for the reference), so an LR callback or `setLearningRate` keeps a
 * base/head ratio, as PyTorch's schedulers keep each parameter group's own rate: halving the rate halves every
 * group, and a group at rate 0 (a base frozen by a zero rate, as in `fineTune`) stays at 0. When no group has a
 * positive rate there is no ratio, and every group gets `lr`.
 */
export function partition(
  transforms: Readonly<Record<string, GradientTransformation<unknown>>>,
  labels: Labels,
): Transform<Readonly<Record<string, unknown>>> {
  const groups = Object.keys(transforms);
  if (groups.length === 0) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'partition needs at least one group transformation, got {}',
    );
  }
  const txs = transforms as Readonly<Record<string, Transform<unknown>>>;
  const labelOf = (name: string, param: Tensor): string => {
    const label =
      typeof labels === 'function'
        ? labels(name, param)
        : Object.hasOwn(labels, name)
          ? labels[name]
          : undefined;
    if (typeof label !== 'string' || !Object.hasOwn(txs, label)) {
      throw new SteadygradError(
        'UNKNOWN_NAME',
        `partition: parameter '${name}' has label ${JSON.stringify(label)}, expected one of ${groups.map((g) => `'${g}'`).join(', ')}`,
        { details: { parameter: name, label, groups } },
      );
    }
    return label;
  };
  const split = (tree: Params, params: Params): Record<string, Record<string, Tensor>> => {
    const out: Record<string, Record<string, Tensor>> = {};
    for (const g of groups) out[g] = {};
    for (const [name, v] of Object.entries(tree))
      out[labelOf(name, paramOf(params, name, 'partition'))]![name] = v;
    return out;
  };
  const withLr = groups.filter((g) => txs[g]!.learningRate !== undefined);
  /** The first group with a positive rate, else the first with a rate, and that rate. */
  const reference = (state: Readonly<Record<string, unknown>>): { group: string; rate: number } => {
    for (const g of withLr) {
      const rate = txs[g]!.learningRate!.get(state[g]);
      if (rate > 0) return { group: g, rate };
    }
    const first = withLr[0]!;
    return { group: first, rate: txs[first]!.learningRate!.get(state[first]) };
  };
  return {
    init(params) {
      const parts = split(params, params);
      const state: Record<string, unknown> = {};
      for (const g of groups) state[g] = txs[g]!.init(parts[g]!);
      return state;
    },
    update(updates, state, params) {
      const uParts = split(updates, params);
      const pParts = split(params, params);
      const next: Record<string, unknown> = {};
      const out: Record<string, Tensor> = {};
      for (const g of groups) {
        const r = txs[g]!.update(uParts[g]!, state[g], pParts[g]!);
        next[g] = r.state;
        Object.assign(out, r.updates);
      }
      return { updates: out, state: next };
    },
    ...(withLr.length === 0
      ? {}
      : {
          learningRate: {
            get: (state: Readonly<Record<string, unknown>>) => reference(state).rate,
            set(state: Readonly<Record<string, unknown>>, lr: number) {
              const ref = reference(state);
              const next: Record<string, unknown> = { ...state };
              for (const g of withLr) {
                const access = txs[g]!.learningRate!;
                const rate = g === ref.group || !(ref.rate > 0) ? lr : lr * (access.get(state[g]) / ref.rate);
                next[g] = access.set(state[g], rate);
              }
              return next;
            },
          },
        }),
  };
}
