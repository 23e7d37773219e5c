import { type RandomStream, SteadygradError, tf } from '@steadygrad/core';
import { type LoadedCheckpoint, loadTrainingCheckpoint, type TrainingState } from './checkpoint.js';
import type { RunSignature } from './checkpoint-meta.js';
import type { DeviceAccumulator } from './device-accumulator.js';

/**
 * Where `fit({ resumeFrom })` continues a run: the checkpoint read and checked before anything changes, its
 * position (epoch and step), and how to restore the rest of the run at the right moments (weights, optimizer
 * and callbacks after `onTrainBegin`; the layers' random stream and the running sums at the start of the
 * resumed partial epoch).
 */
export class FitResume {
  /** The epoch training continues at. */
  readonly epoch: number;
  /** The step within {@link epoch} training continues at (0: the epoch starts afresh). */
  readonly step: number;

  private constructor(readonly checkpoint: LoadedCheckpoint) {
    this.epoch = checkpoint.meta.position.epoch;
    this.step = checkpoint.meta.position.step;
  }

  /**
   * Reads the latest checkpoint of `dir` and checks it against the run (`loadTrainingCheckpoint`):
   * `INCOMPATIBLE` / `CORRUPT_DATA` / `NOT_FOUND` before anything changes.
   */
  static async load(
    dir: string,
    state: TrainingState,
    signature: RunSignature,
    epochs: number,
  ): Promise<FitResume> {
    return new FitResume(await loadTrainingCheckpoint(dir, state, signature, epochs));
  }

  /** Whether the run had penalties (the logs' `regularization_loss` is kept from the start of the epoch). */
  get hasPenalty(): boolean {
    return this.checkpoint.meta.hasPenalty;
  }

  /** The non-finite guard's `[badSteps, firstBadStep]` at the checkpoint, `null` when the run had no guard. */
  get guard(): readonly [number, number] | null {
    return this.checkpoint.meta.guard ?? null;
  }

  /**
   * `INCOMPATIBLE` when the checkpoint was taken mid-epoch with another number of running sums than this fit
   * keeps (`entries`: other metrics or another `nonFinite` mode).
   */
  checkAccumulator(entries: number): void {
    const sums = this.checkpoint.meta.accumulator?.sums;
    if (sums !== undefined && sums.length !== entries) {
      const file = this.checkpoint.file.path;
      throw new SteadygradError(
        'INCOMPATIBLE',
        `checkpoint ${file} does not fit this run: it was taken mid-epoch with ${sums.length} running sums, this fit keeps ${entries}; resume with the same metrics and nonFinite mode`,
        { details: { file } },
      );
    }
  }

  /**
   * Restores the weights, the optimizer state, the callbacks' states and the history (call after
   * `onTrainBegin`, which resets the callbacks); a run saved after a stop request stops again.
   */
  apply(trainer: { stopTraining: boolean }): void {
    this.checkpoint.applyModelAndOptimizer();
    this.checkpoint.applyCallbacks();
    if (this.checkpoint.meta.stopped) trainer.stopTraining = true;
  }

  /** Whether `epoch` is the resumed partial epoch (it continues at {@link step} > 0). */
  isPartial(epoch: number): boolean {
    return epoch === this.epoch && this.step > 0;
  }

  /** At the start of the resumed partial epoch: the layers' random stream and the epoch's running sums. */
  restoreEpoch(layers: RandomStream, acc: DeviceAccumulator): void {
    const m = this.checkpoint.meta;
    if (m.layersRng !== null) layers.setState(m.layersRng);
    if (m.accumulator !== null && m.accumulator.count > 0) {
      acc.add(tf.tensor1d(m.accumulator.sums, 'float32'), m.accumulator.count);
    }
  }
}
