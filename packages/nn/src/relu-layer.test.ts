import { describe, expect, it } from 'vitest';
import { ReLU, type ReLUOptions } from './relu-layer.js';
import { checkAgainstKeras, kerasCases } from './test-utils/keras-conv-cases.js';

describe('ReLU layer', () => {
  it.each(kerasCases('ReLU'))('matches Keras 3 forward and gradient: $name', (c) => {
    checkAgainstKeras(c, new ReLU(c.options as ReLUOptions));
  });

  it('has Keras defaults and config', () => {
    const r = new ReLU();
    expect([r.maxValue, r.negativeSlope, r.threshold]).toEqual([undefined, 0, 0]);
    expect(new ReLU({ maxValue: 6 }).getConfig()).toMatchObject({
      maxValue: 6,
      negativeSlope: 0,
      threshold: 0,
    });
    expect(() => new ReLU({ max_value: 6 } as never)).toThrow(/did you mean 'maxValue'/i);
  });
});
