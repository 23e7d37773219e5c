import { type Parameter, type Tensor, tf } from '@steadygrad/core';
import type { OptimizerLike } from '../trainer-contract.js';

/** A minimal optimizer for tests: `w ← w − lr·g`, counting its steps. */
export class PlainSgd implements OptimizerLike {
  iterations = 0;
  constructor(readonly learningRate: number) {}
  step(params: readonly Parameter[], grads: Readonly<Record<string, Tensor>>): void {
    tf.tidy(() => {
      for (const p of params) {
        const g = grads[p.name];
        if (g !== undefined) p.variable.assign(tf.sub(p.variable, tf.mul(g, this.learningRate)));
      }
    });
    this.iterations++;
  }
}
