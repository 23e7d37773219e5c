import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { addDecayedWeights } from './add-decayed-weights.js';
import { Optimizer } from './optimizer.js';
import { expectError } from './test-utils/expect-error.js';
import { fixtureParameters, replay } from './test-utils/reference.js';
import { arr, close, t1 } from './test-utils/values.js';

describe('addDecayedWeights', () => {
  it('adds rate·w to the selected parameters only; others pass through as the same tensor', () => {
    tf.tidy(() => {
      const tx = addDecayedWeights(0.5, { mask: (name) => name !== 'b' });
      const params = { w: t1([2, -4]), b: t1([8]) };
      const updates = { w: t1([1, 1]), b: t1([1]) };
      const r = tx.update(updates, tx.init(params), params);
      expect(close(arr(r.updates.w!), [2, -1])).toBe(true);
      expect(r.updates.b).toBe(updates.b);
    });
  });

  it('AdamW with a parameter excluded leaves that parameter on the exact Adam trajectory', () => {
    const before = tf.memory().numTensors;
    const pa = fixtureParameters();
    const pw = fixtureParameters();
    const oa = new Optimizer(adam({ learningRate: 0.01 }));
    const ow = new Optimizer(adamw({ learningRate: 0.01, weightDecay: 0.1, excludeFromWeightDecay: ['b'] }));
    const ta = replay(oa, pa, 20);
    const tw = replay(ow, pw, 20);
    ta.forEach((step, k) => {
      expect(tw[k]!.b).toEqual(step.b); // bit-identical
      expect(tw[k]!.w).not.toEqual(step.w); // decayed
    });
    for (const o of [oa, ow]) o.dispose();
    for (const p of [...pa, ...pw]) p.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a negative rate and a mask record missing a parameter', () => {
    expectError(() => addDecayedWeights(-1), 'INVALID_ARGUMENT', /rate must be a finite number >= 0, got -1/);
    tf.tidy(() => {
      const tx = addDecayedWeights(0.1, { mask: { w: true } });
      const p = { w: t1([1]), b: t1([1]) };
      expectError(() => tx.update(p, null, p), 'NOT_FOUND', /mask has no boolean entry for parameter 'b'/);
    });
  });
});
