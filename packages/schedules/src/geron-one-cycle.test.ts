import { describe, expect, it } from 'vitest';
import { geronOneCycle } from './geron-one-cycle.js';
import { expectAllClose } from './test-utils/close.js';
import { expectError } from './test-utils/expect-error.js';

// Géron's OneCycleScheduler callback (handson-ml3 notebook 11), transcribed: the rate set in on_batch_begin
// for each batch of a run of `steps` batches.
function geronCallback(
  iterations: number,
  maxLr: number,
  startLr?: number,
  lastIterations?: number,
  lastLr?: number,
  steps = iterations,
): number[] {
  const start = startLr || maxLr / 10;
  const lastIt = lastIterations || Math.floor(iterations / 10) + 1;
  const half = Math.floor((iterations - lastIt) / 2);
  const last = lastLr || start / 1000;
  let iteration = 0;
  const interp = (i1: number, i2: number, r1: number, r2: number) =>
    ((r2 - r1) * (iteration - i1)) / (i2 - i1) + r1;
  const out: number[] = [];
  for (let b = 0; b < steps; b++) {
    let lr: number;
    if (iteration < half) lr = interp(0, half, start, maxLr);
    else if (iteration < 2 * half) lr = interp(half, 2 * half, maxLr, start);
    else lr = interp(2 * half, iterations, start, last);
    iteration += 1;
    out.push(lr);
  }
  return out;
}

describe("geronOneCycle (Géron's piecewise-linear 1cycle)", () => {
  it.each([
    [25 * 1719, 0.1], // the notebook's run: ceil(55000 / 32) · 25 epochs, max_lr 0.1
    [100, 0.05],
    [7, 1],
  ])('iterations %i, max %f with defaults: matches the callback at every batch', (n, maxLr) => {
    const f = geronOneCycle({ iterations: n, maxLearningRate: maxLr });
    const steps = Array.from({ length: n + 1 }, (_, i) => i);
    expectAllClose(steps.map(f), geronCallback(n, maxLr, undefined, undefined, undefined, n + 1));
  });

  it('honours explicit start, last phase length and last rate', () => {
    const f = geronOneCycle({
      iterations: 200,
      maxLearningRate: 0.3,
      startLearningRate: 0.01,
      lastIterations: 40,
      lastLearningRate: 1e-4,
    });
    const steps = Array.from({ length: 201 }, (_, i) => i);
    expectAllClose(steps.map(f), geronCallback(200, 0.3, 0.01, 40, 1e-4, 201));
  });

  it('has the documented shape: max/10 → max at h, back to max/10 at 2h, → max/10/1000 at N, then flat', () => {
    const f = geronOneCycle({ iterations: 100, maxLearningRate: 1 });
    // L = floor(100 / 10) + 1 = 11, h = floor((100 − 11) / 2) = 44.
    expect(f(0)).toBeCloseTo(0.1, 15);
    expect(f(44)).toBeCloseTo(1, 15);
    expect(f(88)).toBeCloseTo(0.1, 15);
    expect(f(100)).toBeCloseTo(1e-4, 15);
    expect(f(500)).toBeCloseTo(1e-4, 15);
    // An explicit 0 is kept (the Python `or` would replace it).
    expect(geronOneCycle({ iterations: 100, maxLearningRate: 1, startLearningRate: 0 })(0)).toBe(0);
  });

  it('rejects invalid arguments', () => {
    expectError(
      () => geronOneCycle({ iterations: 2, maxLearningRate: 0.1 }),
      'INVALID_ARGUMENT',
      /iterations must be an integer >= 3, got 2/,
    );
    expectError(
      () => geronOneCycle({ iterations: 10, maxLearningRate: 0.1, lastIterations: 9 }),
      'INVALID_ARGUMENT',
      /lastIterations must be an integer <= iterations − 2 .*got lastIterations = 9 with iterations = 10/,
    );
    expectError(
      () => geronOneCycle({ iterations: 10, maxLearningRate: 0.1, lastIterations: 0 }),
      'INVALID_ARGUMENT',
      /lastIterations must be an integer >= 1/,
    );
    expectError(
      () => geronOneCycle({ iterations: 10, maxLearningRate: -1 }),
      'INVALID_ARGUMENT',
      /maxLearningRate must be/,
    );
  });
});
