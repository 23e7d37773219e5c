import type { ExperimentContext } from '../experiment.js';
import { type ResolvedProfile, resolveProfile } from '../profile.js';

/** The settings of the `regularization` experiment (values in {@link REGULARIZATION_PROFILES}). */
export type RegularizationSettings = {
  /** Epochs of the dropout MLP (`--epochs N` sets all three variants' epochs). */
  readonly epochsDropout: number;
  readonly epochsL2: number;
  readonly epochsMaxNorm: number;
  readonly batchSize: number;
  /** MC-dropout forward passes per test image (seed cell 38: 100). */
  readonly mcSamples: number;
  /** First N training images (`'none'`: all 60,000, the first 5,000 of them for validation). */
  readonly limit: number | 'none';
  /** First N test images (`'none'`: all that `limit` leaves). */
  readonly testLimit: number | 'none';
  readonly seeds: number;
};

/**
 * The notebook profile: the recipes of Géron's notebook behind the published figures (`VARIANT_RECIPES`:
 * dropout and max-norm 10 epochs, ℓ2 2 epochs), MC dropout with 100 samples as seed cell 38, all data,
 * 3 seeds. Quick: one seed.
 */
export const REGULARIZATION_PROFILES: {
  readonly notebook: RegularizationSettings;
  readonly quick: Partial<RegularizationSettings>;
} = {
  notebook: {
    epochsDropout: 10,
    epochsL2: 2,
    epochsMaxNorm: 10,
    batchSize: 32,
    mcSamples: 100,
    limit: 'none',
    testLimit: 'none',
    seeds: 3,
  },
  quick: { seeds: 1 },
};

/** The epochs setting of a variant. */
export function variantEpochsKey(variant: 'dropout' | 'l2' | 'max-norm'): keyof RegularizationSettings {
  return variant === 'dropout' ? 'epochsDropout' : variant === 'l2' ? 'epochsL2' : 'epochsMaxNorm';
}

/** The regularization settings of a run: the context's profile, its overrides, then the experiment's options. */
export function resolveRegularization(
  ctx: ExperimentContext,
  options: { readonly mcSamples?: number | undefined; readonly testLimit?: number | undefined },
): ResolvedProfile<RegularizationSettings> {
  return resolveProfile(ctx.profile, REGULARIZATION_PROFILES, {
    epochsDropout: ctx.epochs,
    epochsL2: ctx.epochs,
    epochsMaxNorm: ctx.epochs,
    batchSize: ctx.batchSize,
    seeds: ctx.seeds,
    limit: ctx.limit,
    mcSamples: options.mcSamples,
    testLimit: options.testLimit,
  });
}

/** The settings of the `mc-dropout` experiment (values in {@link MC_DROPOUT_PROFILES}). */
export type McDropoutSettings = {
  /** Epochs of the dropout MLP (its recipe: 10). */
  readonly epochs: number;
  readonly batchSize: number;
  /** MC-dropout forward passes per test image (seed cell 38: 100). */
  readonly samples: number;
  /** First N training images (`'none'`: all 60,000, the first 5,000 of them for validation). */
  readonly limit: number | 'none';
  /** First N test images (`'none'`: all that `limit` leaves). */
  readonly testLimit: number | 'none';
};

/**
 * The notebook profile of `mc-dropout`: the dropout recipe (10 epochs, SGD 0.01 momentum 0.9) and seed cell
 * 38's 100 samples on the whole test set, one seed (the uncertainty of one model is the point; the
 * `regularization` experiment has MC dropout over seeds). Quick: 3 epochs, 30 samples.
 */
export const MC_DROPOUT_PROFILES: {
  readonly notebook: McDropoutSettings;
  readonly quick: Partial<McDropoutSettings>;
} = {
  notebook: { epochs: 10, batchSize: 32, samples: 100, limit: 'none', testLimit: 'none' },
  quick: { epochs: 3, samples: 30 },
};
