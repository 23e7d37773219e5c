import { tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { describe, expect, it } from 'vitest';
import { reuseLayers } from './reuse-layers.js';
import { modelA } from './test-utils/models.js';

describe('reuseLayers', () => {
  it("returns the source's own layer objects (the seed's Sequential(model_A.layers[:-1]))", () => {
    const before = tf.memory().numTensors;
    const a = modelA();
    const base = reuseLayers(a);
    expect(base).toEqual(a.layers.slice(0, -1));
    expect(base[1]).toBe(a.layers[1]);
    expect(reuseLayers(a, { drop: 2 })).toHaveLength(2);
    expect(reuseLayers(a, { upTo: 1 })).toEqual([a.layers[0]]);
    expect(reuseLayers(a, { drop: 0 })).toHaveLength(4);
    const b = new Sequential(base, { seed: 3 });
    b.add(new Dense(1, { activation: 'sigmoid' }));
    expect(b.layers.map((l) => l.name)).toEqual(['flatten', 'dense', 'dense_1', 'dense_2']);
    // Shared parameters are the very same objects.
    expect(b.parameters[0]).toBe(a.parameters[0]);
    b.layers[3]?.dispose();
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects keeping no layer, dropping too many, and giving both options', () => {
    const a = modelA();
    expect(() => reuseLayers(a, { drop: 4 })).toThrow('drop must be');
    expect(() => reuseLayers(a, { upTo: 5 })).toThrow('upTo must be');
    expect(() => reuseLayers(a, { upTo: 0 })).toThrow('upTo must be');
    expect(() => reuseLayers(a, { drop: 1, upTo: 2 })).toThrow(
      'reuseLayers takes either drop or upTo, got both (drop 1, upTo 2)',
    );
    a.dispose();
  });
});
