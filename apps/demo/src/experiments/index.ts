import type { Experiment } from '../experiment.js';
import { activations } from './activations.js';
import { bn } from './bn.js';
import { clipping } from './clipping.js';
import { cnn } from './cnn.js';
import { deepStats } from './deep-stats.js';
import { lrFinder } from './lr-finder.js';
import { mcDropout } from './mc-dropout.js';
import { mlp } from './mlp.js';
import { optimizers } from './optimizers.js';
import { pretraining } from './pretraining.js';
import { regularization } from './regularization.js';
import { resume } from './resume.js';
import { schedules } from './schedules.js';
import { summary } from './summary.js';
import { transfer } from './transfer.js';
import { transferCnn } from './transfer-cnn.js';

/** Every experiment the demo offers, by name. Later issues add theirs to this list. */
export const experiments: readonly Experiment<object>[] = [
  mlp,
  summary,
  bn,
  optimizers,
  clipping,
  regularization,
  mcDropout,
  deepStats,
  activations,
  transfer,
  pretraining,
  schedules,
  lrFinder,
  resume,
  cnn,
  transferCnn,
];

export function findExperiment(name: string): Experiment<object> | undefined {
  return experiments.find((e) => e.name === name);
}
