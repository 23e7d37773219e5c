import { elu } from '@steadygrad/activations';
import { RandomStream, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { Activation } from './activation-layer.js';

describe('Activation layer', () => {
  it('applies the named activation (Keras Activation("elu"))', () => {
    const layer = new Activation('elu');
    expect(layer.name).toBe('activation');
    expect(layer.activation.name).toBe('elu');
    layer.build([null, 3], new RandomStream(0));
    const x = tf.tensor2d([[-1, 0, 2]]);
    const y = layer.apply(x);
    const values = Array.from(y.dataSync());
    expect(values[0]).toBeCloseTo(Math.exp(-1) - 1, 6);
    expect(values.slice(1)).toEqual([0, 2]);
    expect(layer.countParams()).toBe(0);
    expect(layer.getConfig()).toMatchObject({ activation: 'elu' });
    tf.dispose([x, y]);
  });

  it('accepts an options object or an Activation object, and undefined as linear', () => {
    expect(new Activation({ activation: 'relu', name: 'act' }).name).toBe('act');
    expect(new Activation(elu({ alpha: 0.5 })).activation.config).toMatchObject({ alpha: 0.5 });
    expect(new Activation().activation.name).toBe('linear');
    expect(new Activation('tanh', { name: 't' }).name).toBe('t');
    expect(() => new Activation('nope')).toThrow(/unknown activation/);
  });
});
