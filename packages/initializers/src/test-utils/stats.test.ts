import { describe, expect, it } from 'vitest';
import { TRUNCATED_NORMAL_STD_RATIO } from '../truncated-normal.js';
import { normalMass, truncatedNormalMoment } from './stats.js';

describe('test-utils/stats', () => {
  it('normalMass matches known values of the normal CDF', () => {
    expect(normalMass(1)).toBeCloseTo(0.6826894921370859, 13);
    expect(normalMass(2)).toBeCloseTo(0.9544997361036416, 13);
  });

  it('truncated-normal moments reduce to the normal ones for a wide cut and give the Keras constant at ±2', () => {
    expect(truncatedNormalMoment(2, 12)).toBeCloseTo(1, 12);
    expect(truncatedNormalMoment(4, 12)).toBeCloseTo(3, 10);
    expect(truncatedNormalMoment(8, 14)).toBeCloseTo(105, 6);
    expect(Math.sqrt(truncatedNormalMoment(2))).toBeCloseTo(TRUNCATED_NORMAL_STD_RATIO, 13);
  });
});
