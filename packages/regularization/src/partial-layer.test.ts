import { tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Dropout } from './dropout.js';
import { partialLayer } from './partial-layer.js';
import { l2 } from './penalties.js';

describe('partialLayer (seed cell 34)', () => {
  const RegularizedDense = partialLayer(Dense, {
    activation: 'elu',
    kernelInitializer: 'he_normal',
    kernelRegularizer: l2(0.01),
  });

  it('builds Dense layers with the fixed options; units stays required; overrides win', () => {
    const hidden = RegularizedDense({ units: 300 });
    expectTypeOf(hidden).toEqualTypeOf<Dense>();
    expect(hidden).toBeInstanceOf(Dense);
    expect(hidden.units).toBe(300);
    expect(hidden.activation.name).toBe('elu');
    expect(hidden.kernelInitializer.name).toBe('he_normal');
    expect(hidden.kernelRegularizer?.config).toEqual({ l2: 0.01 });
    const out = RegularizedDense({ units: 10, activation: 'softmax', kernelInitializer: 'glorot_uniform' });
    expect(out.activation.name).toBe('softmax');
    expect(out.kernelInitializer.name).toBe('glorot_uniform');
    expect(out.kernelRegularizer).toBe(hidden.kernelRegularizer);
    // undefined keeps the default
    expect(RegularizedDense({ units: 2, activation: undefined }).activation.name).toBe('elu');
    expect(RegularizedDense.layerClass).toBe(Dense);
    expect(Object.isFrozen(RegularizedDense.defaults)).toBe(true);
  });

  it('type-checks the options', () => {
    // @ts-expect-error units is required
    expect(() => RegularizedDense({})).toThrow(/units must be an integer >= 1/);
    // @ts-expect-error unknown option in the defaults
    partialLayer(Dense, { activaton: 'elu' });
    // @ts-expect-error wrong type for an option
    partialLayer(Dense, { units: 'ten' });
    const Drop = partialLayer(Dropout, { seed: 3 });
    expectTypeOf(Drop({ rate: 0.2 })).toEqualTypeOf<Dropout>();
    // @ts-expect-error rate is required
    expect(() => Drop({})).toThrow(/Dropout rate must be/);
  });

  it('its layers regularize a model: penalty = 0.01·Σw² per kernel', () => {
    const model = new Sequential(
      [RegularizedDense({ units: 4, inputShape: [3] }), RegularizedDense({ units: 2 })],
      { seed: 1 },
    );
    const before = tf.memory().numTensors;
    const losses = model.regularizationLosses();
    expect(losses.length).toBe(2);
    losses.forEach((loss, i) => {
      const k = (model.layers[i] as Dense).kernel.variable.dataSync();
      const expected = 0.01 * Array.from(k).reduce((s, v) => s + v * v, 0);
      expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    });
    tf.dispose(losses);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
