import type { Experiment } from '../experiment.js';
import { seedCell5Model } from '../models.js';
import { describeProfile, type ProfileFields, resolveProfile } from '../profile.js';

/** `summary` trains nothing and has no settings: both profiles are the notebook's cell 6. */
export const SUMMARY_PROFILES = { notebook: {}, quick: {} } as const;

export interface SummaryResult extends ProfileFields {
  readonly totalParams: number;
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
  readonly layers: readonly {
    readonly name: string;
    readonly outputShape: readonly (number | null)[];
    readonly params: number;
  }[];
}

/** Seed cell 6: the summary of the seed cell 5 BN-MLP (no data, no training). */
export const summary: Experiment<SummaryResult> = {
  name: 'summary',
  description: 'seed cell 6: model.summary() of the cell 5 BN-MLP (271,346 parameters, 2,368 non-trainable)',
  async run(ctx) {
    const p = resolveProfile(ctx.profile, SUMMARY_PROFILES);
    ctx.log(describeProfile(p));
    const model = seedCell5Model(ctx.seed);
    try {
      const s = model.summary({ print: (line) => ctx.log(line) });
      return {
        profile: p.profile,
        notebookDifferences: p.notebookDifferences,
        totalParams: s.totalParams,
        trainableParams: s.trainableParams,
        nonTrainableParams: s.nonTrainableParams,
        layers: s.layers.map((l) => ({ name: l.name, outputShape: [...l.outputShape], params: l.params })),
      };
    } finally {
      model.dispose();
    }
  },
};
