import { type Tensor, tf } from '@steadygrad/core';
import type { BatchLogs, Callback, GradientMonitor, Logs, Trainer, TrainingParams } from '@steadygrad/train';
import { gradientMonitor } from '@steadygrad/train';
import type { ExperimentEvent } from '../../src/experiment.js';
import type { MemorySample, WorkerMessage } from './protocol.js';

/** Fixed test images the callback probes: gradient norms (the heatmap) and the predictions grid. */
export interface Probe {
  /** `[n, 28, 28]` float32 pixels / 255. */
  readonly x: Tensor;
  /** `[n]` int32 labels. */
  readonly y: Tensor;
  /** The first `shown` images as uint8, for the predictions grid. */
  readonly images: Uint8Array;
  readonly labels: readonly number[];
  readonly shown: number;
  readonly classNames: readonly string[];
}

export function memorySample(): MemorySample {
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes };
}

/** Minimum milliseconds between two per-batch samples (each costs one device read-back). */
const BATCH_SAMPLE_MS = 120;

/**
 * The page's `fit` callback (given to experiments as `ctx.callbacks`): streams per-batch running loss and
 * accuracy and the learning rate, per-epoch logs with `tf.memory()`, per-layer gradient norms (through
 * `@steadygrad/train`'s `gradientMonitor` on a fixed probe batch) and the predictions on the probe images.
 * Every `fit` is a new run on the charts. The probe parts only run for 10-class models trained with the
 * sparse cross-entropy on 28×28 inputs (Fashion-MNIST classifiers); other fits still stream their curves.
 */
export class LiveCallback implements Callback<Trainer> {
  private trainer: Trainer | undefined;
  private params: TrainingParams | undefined;
  private monitor: GradientMonitor | undefined;
  private run = 0;
  private epoch = 0;
  private lastSample = 0;
  private epochStarted = 0;
  private phase: string | undefined;

  constructor(
    private readonly emit: (message: WorkerMessage) => void,
    private readonly probe: Probe | undefined,
  ) {}

  /** Experiment events pass through here so that a `phase` names the next fit. */
  event(event: ExperimentEvent): void {
    if (event.type === 'phase') this.phase = event.label;
    this.emit({ type: 'event', event });
  }

  setTrainer(trainer: Trainer): void {
    this.trainer = trainer;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
    this.epoch = params.initialEpoch;
  }

  private probeFits(): boolean {
    const t = this.trainer;
    if (this.probe === undefined || t === undefined) return false;
    const model = t.model as {
      outputShape?: readonly (number | null)[];
      inputShape?: readonly (number | null)[];
    };
    const out = model.outputShape;
    const input = model.inputShape;
    const lossName = (t.loss as { name?: string }).name;
    return (
      out?.[out.length - 1] === 10 &&
      lossName === 'sparse_categorical_crossentropy' &&
      input !== undefined &&
      input.length === 3 &&
      input[1] === 28 &&
      input[2] === 28
    );
  }

  async onTrainBegin(): Promise<void> {
    this.run++;
    const params = this.params;
    const label = this.phase ?? `fit ${this.run}`;
    this.phase = undefined;
    this.monitor = undefined;
    const layers = ((this.trainer?.model as { layers?: readonly { name: string }[] }).layers ?? []).map(
      (l) => l.name,
    );
    this.emit({
      type: 'fit-begin',
      run: this.run,
      label,
      epochs: params?.epochs ?? 0,
      steps: params?.steps ?? 0,
      samples: params?.samples ?? 0,
      layers,
    });
    if (this.probeFits() && this.trainer !== undefined && params !== undefined) {
      const run = this.run;
      const every = Math.max(1, Math.round(params.steps / 6));
      try {
        const monitor = gradientMonitor({
          x: this.probe!.x,
          y: this.probe!.y,
          every,
          logToHistory: false,
          onRecord: (r) =>
            this.emit({
              type: 'gradients',
              run,
              step: r.step,
              layers: r.layers.map((l) => l.name),
              norms: r.layers.map((l) => l.gradientNorm),
            }),
        });
        monitor.setTrainer(this.trainer);
        monitor.setParams(params);
        await monitor.onTrainBegin();
        this.monitor = monitor;
      } catch (e) {
        this.emit({ type: 'log', line: `gradient monitor off for this fit: ${(e as Error).message}` });
      }
    }
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
    this.epochStarted = performance.now();
    this.monitor?.onEpochBegin(epoch);
  }

  async onBatchEnd(batch: number, logs: BatchLogs): Promise<void> {
    const steps = this.params?.steps ?? 0;
    const now = performance.now();
    if (now - this.lastSample >= BATCH_SAMPLE_MS || batch === steps - 1) {
      this.lastSample = now;
      // One read-back for all keys (lazy batch logs); copy before the next step starts.
      const loss = logs.loss ?? Number.NaN;
      const accuracy = 'accuracy' in logs ? logs.accuracy : undefined;
      this.emit({
        type: 'batch',
        run: this.run,
        epoch: this.epoch,
        batch,
        steps,
        loss,
        accuracy,
        lr: this.trainer?.optimizer.learningRate,
      });
    }
    if (this.monitor !== undefined) await this.monitor.onBatchEnd(batch, logs);
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    // Sampled first, at the same point of every epoch: what the soak compares.
    const memory = memorySample();
    this.emit({
      type: 'epoch',
      run: this.run,
      epoch,
      logs: { ...logs },
      memory,
      backend: tf.getBackend(),
      seconds: (performance.now() - this.epochStarted) / 1000,
    });
    if (this.probeFits()) await this.predictions(`predictions after epoch ${epoch + 1}`);
  }

  onTrainEnd(): void {
    this.monitor = undefined;
    this.emit({ type: 'fit-end', run: this.run, memory: memorySample() });
  }

  /** The model's class probabilities on the first probe images (one read-back). */
  private async predictions(title: string): Promise<void> {
    const probe = this.probe!;
    const model = this.trainer!.model;
    const probs = tf.tidy(() => model.apply(tf.slice(probe.x, 0, probe.shown), { training: false }));
    let values: Float32Array;
    try {
      values = (await probs.data()) as Float32Array;
    } finally {
      probs.dispose();
    }
    const k = probe.classNames.length;
    const probabilities: number[][] = [];
    for (let i = 0; i < probe.shown; i++) probabilities.push(Array.from(values.subarray(i * k, (i + 1) * k)));
    this.emit({
      type: 'event',
      event: {
        type: 'predictions',
        title,
        images: probe.images,
        labels: probe.labels,
        probabilities,
        classNames: probe.classNames,
      },
    });
  }
}
