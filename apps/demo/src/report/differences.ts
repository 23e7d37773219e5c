// The report's explanations, kept as data: the named differences between steadygrad and Keras 3 that are
// understood (a row that differs by more than two standard errors takes its name and explanation from here,
// never from text made up per run), and why an experiment has no Keras 3 reference. Edit these tables when a
// difference is explained or fixed, or a reference script lands.

/** A known, explained difference between steadygrad and Keras 3 on one figure. */
export interface NamedDifference {
  readonly experiment: string;
  /** The metric id (tooling/reference/README.md), or `'*'` for every figure of the experiment. */
  readonly metric: string;
  /** The profiles it applies to (default: both). */
  readonly profiles?: readonly ('notebook' | 'quick')[];
  /** A short name, shown as the verdict. */
  readonly name: string;
  /** Why: what is known about the difference (cause, or what has been ruled out, and where it is tracked). */
  readonly explanation: string;
}

/**
 * The understood differences. Two are no longer here:
 * - the seed cell 5 gap of issue #25 was Keras 3's seeded `fit(shuffle=True)` repeating one data order every
 *   epoch; the Keras 3 references now reshuffle every epoch, as steadygrad does, and agree
 *   (docs/keras-parity.md);
 * - deep-stats' ReLU + random_normal(stddev=1) net overflows float32 by layer ~45 in both systems; steadygrad's
 *   fused ReLU kernels used to map the NaN that follows to 0 (hiding it), and now keep it as tf.relu does, so
 *   both report non-finite figures there.
 */
export const NAMED_DIFFERENCES: readonly NamedDifference[] = [
  // resume (tooling/reference/resume.py, keras/resume.notebook.json): Keras 3's fault-tolerance callback,
  // BackupAndRestore(save_freq=37), interrupted mid-epoch over seeds 42–51.
  ...['identical', 'maxAbsDiff'].map((metric) => ({
    experiment: 'resume',
    metric,
    name: 'Keras 3’s BackupAndRestore restarts the interrupted epoch from its first batch',
    explanation:
      'Keras 3.15’s `keras.callbacks.BackupAndRestore(save_freq=37)` saves the model’s weights, the BN ' +
      'moving statistics and the optimizer’s variables (iterations, learning rate, momentum slots) and the ' +
      '`{epoch, batch}` position, but on restore uses only the epoch: the interrupted epoch restarts from its ' +
      'first batch with the weights saved mid-epoch, so the batches of that epoch before the backup are applied ' +
      'twice (the resumed `fit` ran 172 or 344 steps, ending at optimizer iteration 394–492 instead of 344) and ' +
      'callback states such as ReduceLROnPlateau’s are not restored. Measured over seeds 42–51 (op ' +
      'determinism on, the demo’s model, data and callbacks, interrupted after a random step mid-epoch): final ' +
      'weights never bit-identical to the uninterrupted run, max |Δ| 0.18–0.96 (mean 0.49). Interrupted at an ' +
      'epoch boundary (`save_freq="epoch"`) it is bit-identical on all 10 seeds, as are two uninterrupted runs: ' +
      'what Keras lacks is the mid-epoch position, which steadygrad’s checkpoints keep (step, data order, ' +
      'callback states), hence 1 and 0 here.',
  })),
];

/** Why an experiment has no Keras 3 reference. */
export interface NoReferenceReason {
  readonly experiment: string;
  readonly reason: string;
}

/** Experiments that have no Keras 3 reference by design, and why. */
export const NO_REFERENCE_REASONS: readonly NoReferenceReason[] = [
  {
    experiment: 'summary',
    reason:
      'no training to compare: the published column is Keras’s own model.summary() of the same model, and ' +
      'the counts are exact',
  },
];

/** The named difference for a figure of `experiment` under `profile`, if one is known. */
export function namedDifference(
  experiment: string,
  metric: string,
  profile: string,
  table: readonly NamedDifference[] = NAMED_DIFFERENCES,
): NamedDifference | undefined {
  return table.find(
    (d) =>
      d.experiment === experiment &&
      (d.metric === metric || d.metric === '*') &&
      (d.profiles === undefined || (d.profiles as readonly string[]).includes(profile)),
  );
}

/**
 * Why `experiment` has no Keras 3 reference for `profile`: the table's reason, else that no reference file
 * has been generated (naming the file the report looked for).
 */
export function noReferenceReason(
  experiment: string,
  profile: string,
  table: readonly NoReferenceReason[] = NO_REFERENCE_REASONS,
): string {
  return (
    table.find((r) => r.experiment === experiment)?.reason ??
    `no Keras 3 reference generated yet (tooling/reference/keras/${experiment}.${profile}.json does not exist)`
  );
}
