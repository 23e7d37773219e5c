import { RandomStream, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { Add } from './add.js';
import { planChain, runChain } from './execution-plan.js';
import type { FusionRule } from './fusion-rule.js';
import { input } from './input-layer.js';
import { type CallContext, Layer } from './layer.js';
import { Model } from './model.js';
import { Sequential } from './sequential.js';

/** How often the test rule ran a chain as one computation, and how often it declined. */
const runs = { fused: 0, declined: 0 };

/** Doubler → AddOne as one computation, `2x + 1`; declines in inference mode (as BN → Dense does). */
const doubleThenAddOne: FusionRule = {
  name: 'Doubler → AddOne',
  length: 2,
  matches: (chain) => chain[1] instanceof AddOne,
  apply(_chain, x: Tensor, ctx: CallContext, intermediates?: Tensor[]) {
    if (!ctx.training) {
      runs.declined++;
      return undefined;
    }
    runs.fused++;
    if (intermediates !== undefined) intermediates.push(tf.keep(tf.mul(x, 2)));
    return tf.tidy(() => tf.add(tf.mul(x, 2), 1));
  },
};

class Doubler extends Layer {
  readonly className = 'Doubler';
  override get fusionRules(): readonly FusionRule[] {
    return [doubleThenAddOne];
  }
  call(x: Tensor): Tensor {
    return tf.mul(x, 2);
  }
}

class AddOne extends Layer {
  readonly className = 'AddOne';
  call(x: Tensor): Tensor {
    return tf.add(x, 1);
  }
}

const shapeOf = (steps: readonly { layers: readonly Layer[]; rule: FusionRule | undefined }[]) =>
  steps.map((s) => [s.layers.map((l) => l.className).join('+'), s.rule?.name ?? null]);

function values(t: Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

describe('execution plan: a container compiles its layers once and apply runs the plan', () => {
  it('Sequential fuses a chain its rule matches, runs it as one computation in training, declines otherwise', () => {
    const m = new Sequential([new Doubler(), new AddOne(), new Doubler(), new Doubler()]);
    expect(m.plan).toEqual([]);
    m.build([null, 2]);
    expect(shapeOf(m.plan)).toEqual([
      ['Doubler+AddOne', 'Doubler → AddOne'],
      ['Doubler', null],
      ['Doubler', null],
    ]);
    const x = tf.tensor2d([[1, -2]]);
    const before = tf.memory().numTensors;
    runs.fused = 0;
    runs.declined = 0;
    expect(values(m.apply(x, { training: true }))).toEqual([12, -12]);
    expect(runs).toEqual({ fused: 1, declined: 0 });
    expect(values(m.apply(x))).toEqual([12, -12]);
    expect(runs).toEqual({ fused: 1, declined: 1 });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('a layer added after building joins the plan (recompiled)', () => {
    const m = new Sequential([new Doubler({ inputShape: [1] })]);
    expect(shapeOf(m.plan)).toEqual([['Doubler', null]]);
    m.add(new AddOne());
    expect(shapeOf(m.plan)).toEqual([['Doubler+AddOne', 'Doubler → AddOne']]);
  });

  it('a layer whose building failed on add stays in the plan: apply reports it unbuilt, as before plans', () => {
    class Unbuildable extends Layer {
      readonly className = 'Unbuildable';
      override build(): void {
        throw new SteadygradError('SHAPE_MISMATCH', 'cannot build');
      }
      call(x: Tensor): Tensor {
        return tf.clone(x);
      }
    }
    const m = new Sequential([new Doubler({ inputShape: [1] })]);
    expect(() => m.add(new Unbuildable())).toThrow('cannot build');
    expect(shapeOf(m.plan)).toEqual([
      ['Doubler', null],
      ['Unbuildable', null],
    ]);
    const x = tf.tensor2d([[1]]);
    const before = tf.memory().numTensors;
    expect(() => m.apply(x)).toThrow(expect.objectContaining({ code: 'NOT_BUILT' }));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('runChain with outputs hands back every layer output in order, a fused chain’s interior one included', () => {
    const layers = [new AddOne(), new Doubler(), new AddOne()];
    for (const l of layers) l.build([null, 1], new RandomStream(0));
    const plan = planChain(layers);
    expect(shapeOf(plan)).toEqual([
      ['AddOne', null],
      ['Doubler+AddOne', 'Doubler → AddOne'],
    ]);
    const x = tf.tensor2d([[3]]);
    for (const training of [true, false]) {
      const outputs: Tensor[] = [];
      const y = runChain(plan, x, { training }, outputs);
      expect(outputs).toHaveLength(3);
      expect(outputs[2]).toBe(y);
      expect(outputs.map((o) => o.dataSync()[0])).toEqual([4, 8, 9]);
      tf.dispose(outputs);
    }
    x.dispose();
  });

  it('the functional Model uses the same planner: a call fuses with its only reader', () => {
    const x = input({ shape: [2] });
    const y = new AddOne().apply(new Doubler().apply(x));
    const m = new Model({ inputs: x, outputs: y });
    expect(shapeOf(m.plan)).toEqual([['Doubler+AddOne', 'Doubler → AddOne']]);
    const t = tf.tensor2d([[1, 2]]);
    const before = tf.memory().numTensors;
    runs.fused = 0;
    expect(values(m.apply(t, { training: true }))).toEqual([3, 5]);
    expect(runs.fused).toBe(1);
    expect(values(m.apply(t))).toEqual([3, 5]);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });

  it('no fusion where the output has another reader or is a model output', () => {
    const x = input({ shape: [2] });
    const d = new Doubler().apply(x);
    const twoReaders = new Model({ inputs: x, outputs: new Add().apply([new AddOne().apply(d), d]) });
    expect(shapeOf(twoReaders.plan)).toEqual([
      ['Doubler', null],
      ['AddOne', null],
      ['Add', null],
    ]);
    const x2 = input({ shape: [2] });
    const d2 = new Doubler().apply(x2);
    const alsoOutput = new Model({ inputs: x2, outputs: [d2, new AddOne().apply(d2)] });
    expect(shapeOf(alsoOutput.plan)).toEqual([
      ['Doubler', null],
      ['AddOne', null],
    ]);
    const t = tf.tensor2d([[1, 2]]);
    const before = tf.memory().numTensors;
    expect(values(twoReaders.apply(t, { training: true }))).toEqual([5, 9]);
    const [a, b] = alsoOutput.applyAll(t, { training: true });
    expect([values(a as Tensor), values(b as Tensor)]).toEqual([
      [2, 4],
      [3, 5],
    ]);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
