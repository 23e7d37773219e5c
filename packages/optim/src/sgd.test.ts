import { isSteadygradError, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { Optimizer } from './optimizer.js';
import { sgd } from './sgd.js';
import {
  caseError,
  casesOf,
  fixtureParameters,
  replay,
  torchFixture,
  trajectoryError,
  transformOf,
} from './test-utils/reference.js';

describe('sgd', () => {
  it.each(casesOf('sgd').map(({ source, c }) => [`${source}:${c.name}`, c] as const))(
    'matches the %s trajectory (25 steps, rel. error <= 1e-5)',
    (_, c) => {
      expect(caseError(c)).toBeLessThanOrEqual(1e-5);
    },
  );

  it('follows the Keras momentum form, not PyTorch, when the learning rate changes', () => {
    const torchForm = torchFixture.cases.find((c) => c.name === 'sgd_momentum_schedule_torch_form')!;
    const params = fixtureParameters();
    const opt = new Optimizer(transformOf(torchForm));
    const traj = replay(opt, params, 25);
    // Same schedule and momentum: PyTorch's form drifts far from ours (and from the Keras reference).
    expect(trajectoryError(traj, torchForm.trajectory)).toBeGreaterThan(1e-2);
    opt.dispose();
    for (const p of params) p.dispose();
  });

  it('uses the Keras 3 defaults: learningRate 0.01, no momentum', () => {
    const params = fixtureParameters();
    const w0 = Array.from(params[0]!.variable.dataSync());
    const opt = new Optimizer(sgd());
    expect(opt.learningRate).toBe(0.01);
    const g = { w: tf.ones([4, 3]), b: tf.ones([3]) };
    opt.step(params, g);
    const w1 = params[0]!.variable.dataSync();
    w0.forEach((v, i) => {
      expect(w1[i]).toBeCloseTo(v - 0.01, 6);
    });
    tf.dispose(g);
    opt.dispose();
    for (const p of params) p.dispose();
  });

  it.each([
    [{ learningRate: -0.1 }, /learningRate must be a finite number >= 0, got -0.1/],
    [{ momentum: 1 }, /momentum must be a finite number >= 0 < 1, got 1/],
    [{ momentum: -0.5 }, /momentum must be a finite number >= 0 < 1, got -0.5/],
    [{ clipvalue: 0 }, /clipvalue must be a finite number > 0, got 0/],
    [{ clipnorm: -1 }, /clipnorm must be a finite number > 0, got -1/],
    [{ globalClipnorm: 0 }, /globalClipnorm must be a finite number > 0, got 0/],
    [
      { clipnorm: 1, globalClipnorm: 1 },
      /only one of clipvalue, clipnorm and globalClipnorm.*clipnorm=1, globalClipnorm=1/,
    ],
    [{ clipvalue: 1, clipnorm: 1 }, /only one of/],
  ])('rejects %j with INVALID_ARGUMENT', (options, message) => {
    let error: unknown;
    try {
      sgd(options);
    } catch (e) {
      error = e;
    }
    expect(isSteadygradError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});
