import { describe, expect, it } from 'vitest';
import { seedStats } from './stats.js';

describe('seedStats', () => {
  it('mean and sample std (n − 1), 0 for one value', () => {
    const s = seedStats([0.8, 0.9]);
    expect(s.mean).toBeCloseTo(0.85, 12);
    expect(s.std).toBeCloseTo(Math.SQRT1_2 * 0.1, 12);
    expect(seedStats([0.7])).toEqual({ mean: 0.7, std: 0, values: [0.7] });
  });
});
