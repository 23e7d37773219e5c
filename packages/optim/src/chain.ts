import type { GradientTransformation } from '@steadygrad/core';
import type { Transform } from './transform.js';
import { describeTransform } from './transform-descriptor.js';

/**
 * Applies `transforms` one after another: the updates returned by one are the input of the next (optax
 * `chain`). The state is the array of the links' states. The learning rate (see {@link Transform}) is read
 * from the first link that has one and set on every link that has one.
 */
export function chain(
  ...transforms: readonly GradientTransformation<unknown>[]
): Transform<readonly unknown[]> {
  const links = transforms as readonly Transform<unknown>[];
  const withLr = links.some((t) => t.learningRate !== undefined);
  return {
    descriptor: { name: 'chain', links: links.map(describeTransform) },
    init: (params) => links.map((t) => t.init(params)),
    update(updates, state, params) {
      const next: unknown[] = [];
      let u = updates;
      links.forEach((t, i) => {
        const r = t.update(u, state[i], params);
        u = r.updates;
        next.push(r.state);
      });
      return { updates: u, state: next };
    },
    ...(withLr
      ? {
          learningRate: {
            get(state: readonly unknown[]): number {
              const i = links.findIndex((t) => t.learningRate !== undefined);
              return links[i]!.learningRate!.get(state[i]);
            },
            set: (state: readonly unknown[], lr: number) =>
              links.map((t, i) =>
                t.learningRate === undefined ? state[i] : t.learningRate.set(state[i], lr),
              ),
          },
        }
      : {}),
  };
}
