import { isSteadygradError, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { freeze, setTrainable, unfreeze } from './freeze.js';
import { selectLayerIndices } from './layer-selector.js';
import { modelA } from './test-utils/models.js';

describe('layer selectors', () => {
  it('select by index (negative from the end), name, layer, range, predicate and array', () => {
    const m = modelA();
    expect(m.layers.map((l) => l.name)).toEqual(['flatten', 'dense', 'dense_1', 'dense_2']);
    expect(selectLayerIndices(m, 1)).toEqual([1]);
    expect(selectLayerIndices(m, -1)).toEqual([3]);
    expect(selectLayerIndices(m, 'dense_1')).toEqual([2]);
    expect(selectLayerIndices(m, m.layers[2]!)).toEqual([2]);
    expect(selectLayerIndices(m, 'all')).toEqual([0, 1, 2, 3]);
    expect(selectLayerIndices(m, { to: -1 })).toEqual([0, 1, 2]); // the seed's layers[:-1]
    expect(selectLayerIndices(m, { from: -2 })).toEqual([2, 3]);
    expect(selectLayerIndices(m, { from: 1, to: 3 })).toEqual([1, 2]);
    expect(selectLayerIndices(m, (l) => l.className === 'Dense')).toEqual([1, 2, 3]);
    expect(selectLayerIndices(m, [3, 'dense', -1])).toEqual([1, 3]);
    m.dispose();
  });

  it('reject unknown names and indices out of range, naming what exists', () => {
    const m = modelA();
    expect(() => selectLayerIndices(m, 'dense_9')).toThrow(
      "no layer named 'dense_9'; the model's layers are: 'flatten', 'dense', 'dense_1', 'dense_2'",
    );
    expect(() => selectLayerIndices(m, 4)).toThrow(
      'layer index 4 is out of range for a model with 4 layers; expected an integer in [-4, 3]',
    );
    try {
      selectLayerIndices(m, -5);
    } catch (e) {
      expect(isSteadygradError(e, 'OUT_OF_RANGE')).toBe(true);
    }
    const other = modelA(2);
    expect(() => selectLayerIndices(m, other.layers[1]!)).toThrow(/neither an index, a name, nor one of/);
    m.dispose();
    other.dispose();
  });
});

describe('freeze / unfreeze', () => {
  it('changes the trainable set the model reports, without touching declared flags', () => {
    const before = tf.memory().numTensors;
    const m = modelA();
    expect(m.trainableParameters).toHaveLength(6);
    const frozen = freeze(m, { to: -1 });
    expect(frozen.map((l) => l.name)).toEqual(['flatten', 'dense', 'dense_1']);
    expect(m.trainableParameters.map((p) => p.name)).toEqual(['dense_2/kernel', 'dense_2/bias']);
    expect(m.nonTrainableParameters).toHaveLength(4);
    unfreeze(m, 'dense_1');
    expect(m.trainableParameters.map((p) => p.name)).toEqual([
      'dense_1/kernel',
      'dense_1/bias',
      'dense_2/kernel',
      'dense_2/bias',
    ]);
    setTrainable(m, (_l, i) => i === 1, true);
    expect(m.trainableParameters).toHaveLength(6);
    freeze(m);
    expect(m.trainableParameters).toHaveLength(0);
    unfreeze(m);
    expect(m.trainableParameters).toHaveLength(6);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
