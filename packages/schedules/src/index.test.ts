import type { Schedule } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';
import { expectError } from './test-utils/expect-error.js';

const all: Record<keyof typeof api, Schedule[]> = {
  constant: [api.constant(0.1)],
  inverseTimeDecay: [api.inverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 })],
  powerDecay: [api.powerDecay({ initialLearningRate: 0.1, steps: 10, power: 2 })],
  exponentialDecay: [api.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 })],
  piecewiseConstant: [api.piecewiseConstant({ boundaries: [10, 20], values: [0.1, 0.01, 0.001] })],
  polynomialDecay: [api.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 30, cycle: true })],
  cosineDecay: [
    api.cosineDecay({ initialLearningRate: 0, decaySteps: 30, warmupTarget: 0.1, warmupSteps: 5 }),
  ],
  cosineDecayRestarts: [api.cosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 7 })],
  linearWarmup: [api.linearWarmup({ warmupSteps: 5, targetLearningRate: 0.1 })],
  joinSchedules: [api.joinSchedules([api.constant(0.1), api.constant(0.01)], [10])],
  oneCycle: (({ learningRate, momentum }) => [learningRate, momentum])(
    api.oneCycle({ maxLearningRate: 0.1, totalSteps: 60 }),
  ),
  geronOneCycle: [api.geronOneCycle({ iterations: 60, maxLearningRate: 0.1 })],
  stepDecay: [api.stepDecay({ initialLearningRate: 0.1, stepSize: 7 })],
  multiStepDecay: [api.multiStepDecay({ initialLearningRate: 0.1, milestones: [5, 9] })],
  cosineAnnealing: [api.cosineAnnealing({ initialLearningRate: 0.1, tMax: 12 })],
  cosineAnnealingWarmRestarts: [
    api.cosineAnnealingWarmRestarts({ initialLearningRate: 0.1, t0: 4, tMult: 2 }),
  ],
};

describe('every exported schedule', () => {
  it.each(Object.entries(all))(
    '%s: finite values >= 0 at integer and fractional steps; bad steps throw',
    (_name, fs) => {
      for (const f of fs) {
        for (let k = 0; k <= 240; k++) {
          const v = f(k / 4);
          expect(Number.isFinite(v) && v >= 0, `step ${k / 4}: ${v}`).toBe(true);
        }
        expectError(() => f(-1), 'INVALID_ARGUMENT', /step must be a finite number >= 0, got -1/);
        expectError(() => f(Number.NaN), 'INVALID_ARGUMENT', /step must be a finite number >= 0/);
        expectError(
          () => f(Number.POSITIVE_INFINITY),
          'INVALID_ARGUMENT',
          /step must be a finite number >= 0/,
        );
      }
    },
  );
});
