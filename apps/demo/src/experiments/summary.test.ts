import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { testContext } from '../test-context.js';
import { summary } from './summary.js';

describe('summary experiment', () => {
  it('is seed cell 6 in both profiles: no setting differs from the notebook', async () => {
    for (const profile of ['notebook', 'quick'] as const) {
      const lines: string[] = [];
      const before = tf.memory().numTensors;
      const r = await summary.run(testContext({ profile, log: (l) => lines.push(l) }));
      expect(tf.memory().numTensors).toBe(before);
      expect(r.profile).toBe(profile);
      expect(r.notebookDifferences).toEqual([]);
      expect(lines[0]).toBe(`profile ${profile} — the notebook's settings`);
      expect([r.totalParams, r.trainableParams, r.nonTrainableParams]).toEqual([271_346, 268_978, 2_368]);
    }
  });
});
