import { tf } from '@steadygrad/core';
import { afterEach, describe, expect, it } from 'vitest';
import { applyIfFinite } from './apply-if-finite.js';
import { Optimizer } from './optimizer.js';
import { sgd } from './sgd.js';
import { expectError } from './test-utils/expect-error.js';
import { arr, close, parameter, t1 } from './test-utils/values.js';

const NAN = Number.NaN;

/** Runs `steps` gradients (one per step) through an optimizer of `tx` on w = [1, 2]; returns w after each. */
function run(
  tx: ConstructorParameters<typeof Optimizer>[0],
  steps: number[][],
): { ws: number[][]; opt: Optimizer; dispose: () => void } {
  const w = parameter('w', [1, 2]);
  const opt = new Optimizer(tx);
  const ws: number[][] = [];
  for (const g of steps) {
    const grad = t1(g);
    opt.step([w], { w: grad });
    grad.dispose();
    ws.push(arr(w.variable));
  }
  return {
    ws,
    opt,
    dispose: () => {
      opt.dispose();
      w.variable.dispose();
    },
  };
}

let before = 0;
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

describe('applyIfFinite', () => {
  it('skips a NaN/Inf step: weights and momentum stay, later steps continue as if it never happened', () => {
    before = tf.memory().numTensors;
    const g1 = [0.5, -1];
    const g3 = [1, 0.25];
    const guarded = run(applyIfFinite(sgd({ learningRate: 0.1, momentum: 0.9 })), [
      g1,
      [NAN, 1],
      g3,
      [1, Infinity],
    ]);
    // Hand-computed (Keras SGD momentum: v ← 0.9·v − 0.1·g; w ← w + v), step 2 and 4 skipped.
    const v1 = g1.map((g) => -0.1 * g);
    const w1 = [1 + v1[0]!, 2 + v1[1]!];
    const v3 = v1.map((v, i) => 0.9 * v - 0.1 * g3[i]!);
    const w3 = [w1[0]! + v3[0]!, w1[1]! + v3[1]!];
    expect(close(guarded.ws[0]!, w1)).toBe(true);
    expect(guarded.ws[1]).toEqual(guarded.ws[0]); // bit-identical: nothing applied
    expect(close(guarded.ws[2]!, w3)).toBe(true);
    expect(guarded.ws[3]).toEqual(guarded.ws[2]);
    // Bit-identical to the unwrapped optimizer fed only the finite steps.
    const plain = run(sgd({ learningRate: 0.1, momentum: 0.9 }), [g1, g3]);
    expect(guarded.ws[2]).toEqual(plain.ws[1]);
    const state = guarded.opt.getState();
    const counts = Object.entries(state.tensors)
      .filter(([k]) => /notFiniteCount|totalNotFinite/.test(k))
      .map(([k, t]) => [k.replace(/.*\//, ''), t.dtype, arr(t)[0]]);
    expect(counts.sort()).toEqual([
      ['notFiniteCount', 'int32', 1],
      ['totalNotFinite', 'int32', 2],
    ]);
    tf.dispose(Object.values(state.tensors));
    guarded.dispose();
    plain.dispose();
  });

  it('maxConsecutiveErrors: more consecutive bad steps than that are applied (optax)', () => {
    before = tf.memory().numTensors;
    const r = run(applyIfFinite(sgd({ learningRate: 0.1 }), { maxConsecutiveErrors: 1 }), [
      [NAN, 0],
      [NAN, 0],
      [1, 1],
    ]);
    expect(r.ws[0]).toEqual([1, 2]); // 1 bad step: skipped
    expect(Number.isNaN(r.ws[1]![0])).toBe(true); // 2 consecutive > 1: applied
    expect(r.ws[1]![1]).toBe(2);
    r.dispose();
  });

  it('forwards the learning rate, describes itself, and its state survives getState/setState', () => {
    before = tf.memory().numTensors;
    const tx = applyIfFinite(sgd({ learningRate: 0.1 }));
    const opt = new Optimizer(tx);
    expect(opt.learningRate).toBe(0.1);
    opt.setLearningRate(0.5);
    expect(opt.learningRate).toBe(0.5);
    expect(opt.describe()).toEqual({
      name: 'applyIfFinite',
      config: { maxConsecutiveErrors: null },
      links: [sgd({ learningRate: 0.1 }).descriptor],
    });
    const w = parameter('w', [1, 2]);
    const g = t1([NAN, 0]);
    opt.step([w], { w: g });
    const saved = opt.getState();
    const copy = new Optimizer(applyIfFinite(sgd({ learningRate: 0.1 })));
    copy.setState(saved, [w]);
    tf.dispose(Object.values(saved.tensors));
    const g2 = t1([1, 1]);
    copy.step([w], { w: g2 });
    expect(close(arr(w.variable), [0.5, 1.5])).toBe(true); // the override 0.5 was restored
    tf.dispose([g, g2, w.variable]);
    opt.dispose();
    copy.dispose();
  });

  it('rejects a non-transformation and bad options, with typed errors', () => {
    before = tf.memory().numTensors;
    expectError(() => applyIfFinite({} as never), 'INVALID_ARGUMENT', /expects a gradient transformation/);
    expectError(
      () => applyIfFinite(sgd(), { maxConsecutiveError: 1 } as never),
      'UNKNOWN_OPTION',
      /applyIfFinite: unknown option 'maxConsecutiveError'. Did you mean 'maxConsecutiveErrors'\?/,
    );
    expectError(
      () => applyIfFinite(sgd(), { maxConsecutiveErrors: 1.5 }),
      'INVALID_ARGUMENT',
      /maxConsecutiveErrors/,
    );
    expectError(
      () => applyIfFinite(sgd(), { maxConsecutiveErrors: -1 }),
      'INVALID_ARGUMENT',
      /maxConsecutiveErrors/,
    );
  });
});
