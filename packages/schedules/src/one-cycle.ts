import {
  checkNumber,
  checkOneOf,
  checkOptions,
  optionKeys,
  type Schedule,
  SteadygradError,
} from '@steadygrad/core';
import { checkStep } from './check-step.js';

/** Options of `oneCycle` (after PyTorch `OneCycleLR`). */
export interface OneCycleOptions {
  /** η_max: the peak learning rate, finite >= 0. */
  readonly maxLearningRate: number;
  /** T: number of optimizer steps in the cycle, integer >= 1. */
  readonly totalSteps: number;
  /** p: fraction of the cycle spent increasing the rate, in (0, 1). Default 0.3. */
  readonly pctStart?: number;
  /** Start rate is η_max / divFactor; finite > 0. Default 25. */
  readonly divFactor?: number;
  /** Final rate is (η_max / divFactor) / finalDivFactor; finite > 0. Default 1e4. */
  readonly finalDivFactor?: number;
  /** 'cos' (default) or 'linear' interpolation within each phase. */
  readonly annealStrategy?: 'cos' | 'linear';
  /** Three phases (up, symmetric down to the start rate, then annihilation) instead of two. Default false. */
  readonly threePhase?: boolean;
  /** Momentum at the peak learning rate, finite >= 0. Default 0.85. */
  readonly baseMomentum?: number;
  /** Momentum at the start and end, finite >= 0. Default 0.95. */
  readonly maxMomentum?: number;
}

const KEYS = optionKeys<OneCycleOptions>()([
  'maxLearningRate',
  'totalSteps',
  'pctStart',
  'divFactor',
  'finalDivFactor',
  'annealStrategy',
  'threePhase',
  'baseMomentum',
  'maxMomentum',
]);

/** The learning-rate and momentum schedules of one 1cycle run. */
export interface OneCycle {
  readonly learningRate: Schedule;
  /** Cycles inversely to the learning rate (for SGD's momentum or Adam's β1). */
  readonly momentum: Schedule;
  readonly totalSteps: number;
}

interface Phase {
  readonly end: number;
  readonly lr: readonly [number, number];
  readonly momentum: readonly [number, number];
}

/**
 * PyTorch `OneCycleLR` (Smith & Topin, "Super-Convergence"), exactly: with η_0 = η_max / divFactor,
 * η_min = η_0 / finalDivFactor, m_lo = baseMomentum, m_hi = maxMomentum and phases ending at (float) steps
 *
 * - two-phase (default): [0, pT − 1]: η_0 → η_max, m_hi → m_lo; then up to T − 1: η_max → η_min, m_lo → m_hi;
 * - `threePhase`: [0, pT − 1]: η_0 → η_max, m_hi → m_lo; up to 2pT − 2: η_max → η_0, m_lo → m_hi; up to T − 1:
 *   η_0 → η_min, momentum stays m_hi;
 *
 * each phase interpolates from `a` to `b` with `pct = (t − start) / (end − start)` and
 * `cos`: `b + (a − b) / 2 · (1 + cos(π · pct))`, or `linear`: `a + (b − a) · pct`.
 *
 * Steps run 0 .. T − 1 (step t is the rate of the (t+1)-th update); step T is also accepted (PyTorch's last
 * step, which extrapolates the final phase) and a step beyond T throws `OUT_OF_RANGE`, as in PyTorch. Every
 * phase must span more than zero steps (e.g. p · T > 1), else `INVALID_ARGUMENT`.
 *
 * Géron's notebook uses a different, piecewise-linear 1cycle: {@link geronOneCycle}.
 */
export function oneCycle(options: OneCycleOptions): OneCycle {
  checkOptions('oneCycle', options, KEYS);
  const {
    maxLearningRate,
    totalSteps,
    pctStart = 0.3,
    divFactor = 25,
    finalDivFactor = 1e4,
    annealStrategy = 'cos',
    threePhase = false,
    baseMomentum = 0.85,
    maxMomentum = 0.95,
  } = options;
  const maxLr = checkNumber('maxLearningRate', maxLearningRate, { min: 0 });
  const total = checkNumber('totalSteps', totalSteps, { min: 1, integer: true });
  const p = checkNumber('pctStart', pctStart, { above: 0, below: 1 });
  const div = checkNumber('divFactor', divFactor, { above: 0 });
  const finalDiv = checkNumber('finalDivFactor', finalDivFactor, { above: 0 });
  const strategy = checkOneOf('annealStrategy', annealStrategy, ['cos', 'linear'] as const);
  const mLo = checkNumber('baseMomentum', baseMomentum, { min: 0 });
  const mHi = checkNumber('maxMomentum', maxMomentum, { min: 0 });

  const initialLr = maxLr / div;
  const minLr = initialLr / finalDiv;
  // The same float expressions as torch.optim.lr_scheduler.OneCycleLR.
  const phases: Phase[] = threePhase
    ? [
        { end: p * total - 1, lr: [initialLr, maxLr], momentum: [mHi, mLo] },
        { end: 2 * p * total - 2, lr: [maxLr, initialLr], momentum: [mLo, mHi] },
        { end: total - 1, lr: [initialLr, minLr], momentum: [mHi, mHi] },
      ]
    : [
        { end: p * total - 1, lr: [initialLr, maxLr], momentum: [mHi, mLo] },
        { end: total - 1, lr: [maxLr, minLr], momentum: [mLo, mHi] },
      ];
  let start = 0;
  for (const [i, phase] of phases.entries()) {
    if (!(phase.end - start > 0)) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `pctStart and totalSteps leave phase ${i + 1} of the ${threePhase ? 'three' : 'two'}-phase cycle empty ` +
          `(it would span steps ${start} to ${phase.end}): need pctStart · totalSteps > 1` +
          `${threePhase ? ' and pctStart < (totalSteps + 1) / (2 · totalSteps)' : ''}, got pctStart = ${p}, totalSteps = ${total}`,
        { details: { pctStart, totalSteps, threePhase } },
      );
    }
    start = phase.end;
  }

  const anneal =
    strategy === 'cos'
      ? (a: number, b: number, pct: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (a: number, b: number, pct: number) => (b - a) * pct + a;

  const locate = (step: number): { phase: Phase; pct: number } => {
    const t = checkStep(step);
    if (t > total) {
      throw new SteadygradError(
        'OUT_OF_RANGE',
        `step must be <= totalSteps = ${total} for this one-cycle schedule, got ${t}`,
        { details: { step, totalSteps: total } },
      );
    }
    // The first phase whose end is >= t; the last phase also takes t > T − 1 (torch's step T).
    let i = 0;
    while (i < phases.length - 1 && t > phases[i]!.end) i++;
    const phase = phases[i]!;
    const from = i === 0 ? 0 : phases[i - 1]!.end;
    return { phase, pct: (t - from) / (phase.end - from) };
  };

  return {
    learningRate: (step) => {
      const { phase, pct } = locate(step);
      return anneal(phase.lr[0], phase.lr[1], pct);
    },
    momentum: (step) => {
      const { phase, pct } = locate(step);
      return anneal(phase.momentum[0], phase.momentum[1], pct);
    },
    totalSteps: total,
  };
}
