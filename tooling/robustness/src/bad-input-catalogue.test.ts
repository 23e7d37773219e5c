// Issue 12: the bad-input catalogue. One table, across the packages: every case asserts the error class, its
// code, a message naming the offending thing and what was expected, and that nothing changed (weights,
// optimizer state, files on disk). The cases live in bad-input-cases-api.ts and bad-input-cases-files.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { arraySource, RandomStream, SteadygradError, tf } from '@steadygrad/core';
import { Optimizer, sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCases } from './bad-input-cases-api.js';
import { fileCases } from './bad-input-cases-files.js';
import { type Case, dir, model, setUpCatalogue, snapshot, tearDownCatalogue } from './bad-input-fixture.js';

const cases: readonly Case[] = [...apiCases, ...fileCases];

describe('bad-input catalogue', () => {
  beforeAll(setUpCatalogue);
  afterAll(tearDownCatalogue);

  it('has at least 25 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it("counts its cases for issue 20's model-file, setWeights and dataset-path items (4, 5, 6, 9)", () => {
    const byItem = new Map<number, number>();
    for (const c of cases)
      if (c.issue20 !== undefined) byItem.set(c.issue20, (byItem.get(c.issue20) ?? 0) + 1);
    for (const item of [4, 5, 6, 9])
      expect(byItem.get(item) ?? 0, `issue 20 item ${item}`).toBeGreaterThan(0);
    const list = [...byItem].sort(([a], [b]) => a - b).map(([i, n]) => `item ${i}: ${n}`);
    console.log(`bad-input catalogue: ${cases.length} cases; issue 20: ${list.join(', ')}`);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const before = snapshot();
      const tensorsBefore = tf.memory().numTensors;
      let error: unknown;
      tf.engine().startScope();
      try {
        await c.run();
      } catch (e) {
        error = e;
      } finally {
        tf.engine().endScope();
      }
      expect(error, 'expected a SteadygradError').toBeInstanceOf(SteadygradError);
      const e = error as SteadygradError;
      expect(e.code, e.message).toBe(c.code);
      for (const pattern of c.message) expect(e.message).toMatch(pattern);
      // the files written by the case itself are inputs, not changes; weights must be identical
      const after = JSON.parse(snapshot()) as { weights: string[] };
      expect(after.weights).toEqual((JSON.parse(before) as { weights: string[] }).weights);
      expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).toBe('untouched');
      expect(tf.memory().numTensors).toBeLessThanOrEqual(tensorsBefore);
    });
  }

  it('a failed optimizer step leaves the optimizer state and weights untouched', () => {
    const opt = new Optimizer(sgd({ learningRate: 0.1, momentum: 0.9 }));
    const params = model.trainableParameters;
    const grads = Object.fromEntries(params.map((p) => [p.name, tf.onesLike(p.variable)]));
    opt.step(params, grads);
    const state = opt.getState();
    const stateBefore = Object.fromEntries(
      Object.entries(state.tensors).map(([k, t]) => [k, Array.from(t.dataSync())]),
    );
    const weightsBefore = snapshot();
    const bad = { ...grads, [params[0]!.name]: tf.ones([7, 7]) };
    expect(() => opt.step(params, bad)).toThrow(SteadygradError);
    const after = opt.getState();
    expect(
      Object.fromEntries(Object.entries(after.tensors).map(([k, t]) => [k, Array.from(t.dataSync())])),
    ).toEqual(stateBefore);
    expect(snapshot()).toBe(weightsBefore);
    tf.dispose([...Object.values(grads), bad[params[0]!.name]!]);
    opt.dispose();
  });

  it('data sources reject out-of-range indices without partial batches', () => {
    const src = arraySource(new Uint8Array(8), [2, 2]);
    expect(() => src.batch([0, 2])).toThrow(/sample index 2 is outside \[0, 2\)/);
    expect(new RandomStream(1).permutation(3).length).toBe(3);
  });
});
