// Sequential's getWeights/setWeights: Keras order, copies, and all-or-nothing updates that change nothing and
// leak nothing when a weight is wrong.
import { isSteadygradError, registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cell11 } from './test-utils/cell11.js';

describe('Sequential weights', () => {
  beforeAll(() => registerGradients());

  it('getWeights / setWeights copy in Keras order; a wrong weight changes nothing', () => {
    const src = cell11(1);
    const dst = cell11(2);
    const weights = src.getWeights();
    expect(weights.map((w) => w.shape)).toEqual([[784, 300], [300], [300, 100], [100], [100, 10], [10]]);
    dst.setWeights(weights);
    expect(Array.from(dst.parameters[2]!.variable.dataSync())).toEqual(Array.from(weights[2]!.dataSync()));
    // Copies: changing the source later does not change what was copied.
    src.parameters[0]!.assign(tf.zeros([784, 300]));
    expect(dst.parameters[0]!.variable.dataSync()[0]).toBe(weights[0]!.dataSync()[0]);

    const snapshot = dst.parameters.map((p) => Array.from(p.variable.dataSync()));
    const wrong = [...weights.slice(0, 5), tf.zeros([11])];
    // Make the first weights differ so a partial update would be visible.
    const changed = [tf.ones([784, 300]), ...wrong.slice(1)];
    try {
      dst.setWeights(changed);
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'SHAPE_MISMATCH')).toBe(true);
      expect((e as Error).message).toBe(
        "weight 5 for parameter 'dense_2/bias' must have shape [10], got [11]",
      );
    }
    expect(() => dst.setWeights(changed.slice(0, 3))).toThrow(/has 6 weights .* got 3/);
    expect(dst.parameters.map((p) => Array.from(p.variable.dataSync()))).toEqual(snapshot);
    tf.dispose([...weights, wrong[5]!, changed[0]!]);
    src.dispose();
    dst.dispose();
  });

  it('setWeights is all or nothing: string, int32 and bool tensors are DTYPE_MISMATCH, nothing changes or leaks', () => {
    const model = cell11(3);
    const snapshot = model.parameters.map((p) => Array.from(p.variable.dataSync()));
    const good = model.parameters.map((p) => tf.ones(p.shape));
    const last = model.parameters[5]!;
    const bad = {
      string: tf.tensor(
        Array.from({ length: 10 }, () => 'x'),
        [10],
        'string',
      ),
      int32: tf.zeros([10], 'int32'),
      bool: tf.zeros([10], 'bool'),
    };
    for (const [dtype, t] of Object.entries(bad)) {
      const before = tf.memory().numTensors;
      for (let call = 0; call < 3; call++) {
        try {
          model.setWeights([...good.slice(0, 5), t]);
          expect.unreachable();
        } catch (e) {
          expect(isSteadygradError(e, 'DTYPE_MISMATCH')).toBe(true);
          expect((e as Error).message).toBe(
            `weight 5 for parameter '${last.name}' must be a float32 tensor, got ${dtype}`,
          );
        }
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(model.parameters.map((p) => Array.from(p.variable.dataSync()))).toEqual(snapshot);
    }
    const before = tf.memory().numTensors;
    expect(() => model.setWeights([...good.slice(0, 5), 'w' as never])).toThrow(
      "weight 5 for 'dense_2/bias' must be a live tensor, got string",
    );
    const dead = tf.ones([10]);
    dead.dispose();
    expect(() => model.setWeights([...good.slice(0, 5), dead])).toThrow('got a disposed tensor');
    expect(() => model.setWeights('w' as never)).toThrow(/has 6 weights .* got string/);
    expect(tf.memory().numTensors).toBe(before);
    expect(model.parameters.map((p) => Array.from(p.variable.dataSync()))).toEqual(snapshot);
    // The valid list still goes in whole, with no tensor left behind.
    model.setWeights(good);
    expect(tf.memory().numTensors).toBe(before);
    expect(model.parameters.every((p) => p.variable.dataSync().every((v) => v === 1))).toBe(true);
    tf.dispose([...good, ...Object.values(bad)]);
    model.dispose();
  });
});
