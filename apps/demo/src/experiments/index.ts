import type { Experiment } from '../experiment.js';
import { mlp } from './mlp.js';

/** Every experiment the demo offers, by name. Later issues add theirs to this list. */
export const experiments: readonly Experiment<object>[] = [mlp];

export function findExperiment(name: string): Experiment<object> | undefined {
  return experiments.find((e) => e.name === name);
}
