import { elu } from '@steadygrad/activations';
import {
  type Constraint,
  isSteadygradError,
  RandomStream,
  type Regularizer,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { Activation } from './activation-layer.js';
import { Dense } from './dense.js';
import { type CallContext, formatShape, Layer, type Shape, toSnakeCase } from './layer.js';
import { PReLU } from './prelu.js';

class Scale extends Layer {
  readonly className = 'Scale';
  override build(inputShape: Shape, rng: RandomStream): void {
    const n = inputShape[inputShape.length - 1] as number;
    this.addParameter('w', tf.tensor1d(Array.from(rng.fillUniform(n, 0, 1))));
    this.addParameter('count', tf.zeros([1]), { trainable: false });
    super.build(inputShape, rng);
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    return tf.mul(x, this.parameters[0]!.variable);
  }
}

describe('Layer', () => {
  it('snake-cases class names like Keras', () => {
    expect(toSnakeCase('Dense')).toBe('dense');
    expect(toSnakeCase('BatchNormalization')).toBe('batch_normalization');
    expect(toSnakeCase('PReLU')).toBe('p_re_lu');
    expect(formatShape([null, 784])).toBe('(None, 784)');
    expect(formatShape([null])).toBe('(None,)');
  });

  it('cloneOptions() is getConfig() unless a layer overrides it', () => {
    const layer = new Scale({ name: 'sc', inputShape: [3], trainable: false });
    expect(layer.cloneOptions()).toEqual({ name: 'sc', trainable: false, inputShape: [3] });
    expect(layer.cloneOptions()).toEqual(layer.getConfig());
  });

  it('Dense, Activation and PReLU give their live objects in cloneOptions(), and describe them in getConfig()', () => {
    const reg: Regularizer = { name: 'l2', config: { l2: 0.5 }, penalty: (x) => tf.sum(x) };
    const con: Constraint = { name: 'non_neg', config: {}, apply: (w) => tf.relu(w) };
    const act = elu({ alpha: 0.3 });
    const layers = [
      new Dense(4, { activation: act, kernelRegularizer: reg, biasConstraint: con }),
      new Activation(act),
      new PReLU({ alphaRegularizer: reg, alphaConstraint: con, sharedAxes: [1] }),
    ];
    for (const layer of layers) {
      const Ctor = layer.constructor as new (options: Record<string, unknown>) => typeof layer;
      const copy = new Ctor(layer.cloneOptions());
      // The same configuration, with the same objects (an activation's own options included).
      expect(copy.getConfig()).toEqual(layer.getConfig());
      for (const key of [
        'activation',
        'kernelRegularizer',
        'biasConstraint',
        'alphaRegularizer',
        'alphaConstraint',
      ]) {
        if (key in layer)
          expect((copy as unknown as Record<string, unknown>)[key]).toBe(
            (layer as unknown as Record<string, unknown>)[key],
          );
      }
    }
    expect(layers[2]!.getConfig()).toMatchObject({
      alphaRegularizer: { name: 'l2', config: { l2: 0.5 } },
      alphaConstraint: { name: 'non_neg', config: {} },
      sharedAxes: [1],
    });
    expect((layers[0] as Dense).activation).toBe(act);
  });

  it('names parameters after the layer and tracks trainable flags', () => {
    const layer = new Scale({ name: 'sc' });
    expect(layer.built).toBe(false);
    layer.build([null, 3], new RandomStream(1));
    expect(layer.built).toBe(true);
    expect(layer.parameters.map((p) => [p.name, p.trainable])).toEqual([
      ['sc/w', true],
      ['sc/count', false],
    ]);
    layer.trainable = false;
    expect(layer.trainableParameters).toEqual([]);
    expect(layer.nonTrainableParameters.map((p) => p.name)).toEqual(['sc/w', 'sc/count']);
    expect(layer.parameters[0]!.variable.trainable).toBe(false);
    layer.trainable = true;
    // The declared non-trainable parameter stays non-trainable.
    expect(layer.parameters.map((p) => p.trainable)).toEqual([true, false]);
    expect(layer.countParams()).toBe(4);
    expect(() => {
      layer.name = 'other';
    }).toThrow(/after it is built/);
    layer.dispose();
  });

  it('throws NOT_BUILT and SHAPE_MISMATCH naming the layer', () => {
    const layer = new Scale();
    const x = tf.ones([2, 3]);
    try {
      layer.apply(x);
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'NOT_BUILT')).toBe(true);
      expect((e as Error).message).toContain("'scale'");
    }
    layer.build([null, 3], new RandomStream(1));
    const bad = tf.ones([2, 4]);
    expect(() => layer.apply(bad)).toThrow(
      /layer 'scale' \(Scale\) expects input shape \(None, 3\), got \[2, 4\]/,
    );
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 3]);
    tf.dispose([x, y, bad]);
    layer.dispose();
  });

  it('rejects bad names and input shapes', () => {
    expect(() => new Scale({ name: 'a/b' })).toThrow(/without '\/'/);
    expect(() => new Scale({ inputShape: [0] })).toThrow(/positive integers/);
  });
});
