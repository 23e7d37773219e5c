import { describe, expect, it } from 'vitest';
import { scaleByRms } from './scale-by-rms.js';
import { expectError } from './test-utils/expect-error.js';
import { GRADS, runBlock } from './test-utils/run-block.js';
import { allClose } from './test-utils/values.js';

function reference(rho: number, eps: number, centered: boolean): number[][] {
  const v = [0, 0, 0];
  const a = [0, 0, 0];
  return GRADS.map((g) =>
    g.map((gi, i) => {
      v[i] = rho * v[i]! + (1 - rho) * gi * gi;
      a[i] = rho * a[i]! + (1 - rho) * gi;
      return gi / Math.sqrt(centered ? v[i]! - a[i]! ** 2 + eps : v[i]! + eps);
    }),
  );
}

describe('scaleByRms', () => {
  it('is g/√(v + ε) with ε inside the root (Keras)', () => {
    const got = runBlock(scaleByRms(), GRADS);
    expect(allClose(got, reference(0.9, 1e-7, false))).toBe(true);
  });

  it('centered: g/√(v − ḡ² + ε)', () => {
    const got = runBlock(scaleByRms({ decay: 0.8, eps: 1e-3, centered: true }), GRADS);
    expect(allClose(got, reference(0.8, 1e-3, true), 1e-5)).toBe(true);
  });

  it('rejects decay outside [0, 1), eps <= 0, negative initialScale', () => {
    expectError(
      () => scaleByRms({ decay: 1 }),
      'INVALID_ARGUMENT',
      /decay must be a finite number >= 0 < 1, got 1/,
    );
    expectError(() => scaleByRms({ eps: -1 }), 'INVALID_ARGUMENT', /eps must be a finite number > 0, got -1/);
    expectError(() => scaleByRms({ initialScale: -1 }), 'INVALID_ARGUMENT', /initialScale must be .* >= 0/);
  });
});
