import { checkNumber, checkOptions, optionKeys, type Schedule, SteadygradError } from '@steadygrad/core';
import { checkStep } from './check-step.js';

/** Options of `cosineDecay` (after Keras `CosineDecay`). */
export interface CosineDecayOptions {
  /** lr0, finite >= 0: the start of the warmup, or of the decay when there is no warmup. */
  readonly initialLearningRate: number;
  /** D, finite > 0: length of the cosine decay (after the warmup). */
  readonly decaySteps: number;
  /** α in [0, 1]: the decay ends at α times its starting rate. Default 0. */
  readonly alpha?: number;
  /** lr_w, finite >= 0: the rate the linear warmup reaches; no warmup when omitted. */
  readonly warmupTarget?: number;
  /** W, finite >= 0: warmup length. Default 0. Requires `warmupTarget` when > 0. */
  readonly warmupSteps?: number;
}

const KEYS = optionKeys<CosineDecayOptions>()([
  'initialLearningRate',
  'decaySteps',
  'alpha',
  'warmupTarget',
  'warmupSteps',
]);

/**
 * Keras 3 `CosineDecay` with optional linear warmup.
 *
 * Without warmup: `lr(t) = lr0 · ((1 − α) · ½(1 + cos(π · min(t, D) / D)) + α)`.
 *
 * With `warmupTarget` lr_w: for `t < W`, `lr(t) = lr0 + (lr_w − lr0) · t / W`; afterwards, with
 * `u = min(t, W + D) − W`, `lr(t) = lr_w · ((1 − α) · ½(1 + cos(π · u / D)) + α)`. The rate stays at its final
 * value after W + D steps (PyTorch's `CosineAnnealingLR` instead keeps following the cosine: see
 * {@link cosineAnnealing}).
 *
 * Keras silently ignores `warmup_steps` when `warmup_target` is None; here that combination throws.
 */
export function cosineDecay(options: CosineDecayOptions): Schedule {
  checkOptions('cosineDecay', options, KEYS);
  const { initialLearningRate, decaySteps, alpha = 0, warmupTarget, warmupSteps = 0 } = options;
  const lr0 = checkNumber('initialLearningRate', initialLearningRate, { min: 0 });
  const d = checkNumber('decaySteps', decaySteps, { above: 0 });
  const a = checkNumber('alpha', alpha, { min: 0, max: 1 });
  const w = checkNumber('warmupSteps', warmupSteps, { min: 0 });
  const target =
    warmupTarget === undefined ? undefined : checkNumber('warmupTarget', warmupTarget, { min: 0 });
  if (target === undefined && w > 0) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `warmupTarget must be a finite number >= 0 when warmupSteps > 0 (got warmupSteps = ${w} and no warmupTarget)`,
      { details: { warmupSteps, warmupTarget } },
    );
  }
  const decay = (u: number, from: number): number =>
    from * ((1 - a) * 0.5 * (1 + Math.cos((Math.PI * u) / d)) + a);
  if (target === undefined) return (step) => decay(Math.min(checkStep(step), d), lr0);
  return (step) => {
    const t = Math.min(checkStep(step), w + d);
    if (t < w) return lr0 + ((target - lr0) * t) / w;
    return decay(t - w, target);
  };
}
