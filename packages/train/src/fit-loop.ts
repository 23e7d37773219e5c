import { type BatchSource, type RandomStream, registerGradients } from '@steadygrad/core';
import { prepareCheckpointDir } from '#checkpoint-io';
import { ProgressBar } from '#progress-bar';
import {
  batchBounds,
  type DataLike,
  epochOrder,
  epochStreams,
  splitLast,
  stepsPerEpoch,
} from './batching.js';
import { type Callback, CallbackList, History, type TrainingParams } from './callbacks.js';
import { saveTrainingCheckpoint, type TrainingState } from './checkpoint.js';
import type { RunSignature } from './checkpoint-meta.js';
import { type Compiled, resolveMetrics } from './compile-options.js';
import { DeviceAccumulator } from './device-accumulator.js';
import { evaluateSources } from './evaluate.js';
import { type FitOptions, resolveFitOptions } from './fit-options.js';
import { FitResume } from './fit-resume.js';
import { divergedError, NonFiniteGuard } from './non-finite-guard.js';
import { checkData, ensureBuilt, pairedSources } from './prepare-data.js';
import { BAD_KEY, FIRST_BAD_KEY, logsFrom, prefixed, REG_KEY } from './step-logs.js';
import { trainStep } from './train-step.js';
import type { Trainer } from './trainer.js';

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
    if (immediate !== undefined) immediate(resolve);
    else setTimeout(resolve, 0);
  });

/** Milliseconds between two yields to the event loop during an epoch (lets timers and signals run). */
const YIELD_MS = 100;

/**
 * The body of `Trainer.fit` (which holds the model lock around it): checks the options and the data, reads
 * the checkpoint to resume from, then runs the epochs — batches in a seeded order, one {@link trainStep} each,
 * the sums on the device, the callbacks, the validation pass, the checkpoints, the non-finite guard's
 * verdict at each read-back. `disposeRequested` ends the fit at once when `dispose` was called meanwhile.
 */
export async function runFit(
  trainer: Trainer,
  c: Compiled,
  x: DataLike,
  y: DataLike,
  options: FitOptions,
  disposeRequested: () => boolean,
): Promise<History> {
  registerGradients();
  const o = resolveFitOptions(options);
  const { epochs, batchSize, shuffle, seed, validationData, validationSplit, checkpoint, nonFinite } = o;

  let [xs, ys] = pairedSources('x', 'y', x, y);
  let val: [BatchSource, BatchSource] | undefined;
  if (validationSplit !== undefined) {
    const split = splitLast(xs, ys, validationSplit);
    [xs, ys] = split.train;
    val = split.validation;
  } else if (validationData !== undefined) {
    val = pairedSources('validationData x', 'validationData y', validationData[0], validationData[1]);
  }

  ensureBuilt(c.model, xs);
  const metrics = resolveMetrics(c, ys.shape);
  await checkData(c, '', x, y);
  if (validationData !== undefined)
    await checkData(c, 'validationData ', validationData[0], validationData[1]);

  const history = new History();
  trainer.history = history;
  const user = o.callbacks;
  const all: Callback<Trainer>[] = [];
  if (o.verbosity > 0) {
    const stream = o.progressStream;
    all.push(new ProgressBar({ mode: o.verbosity as 1 | 2, ...(stream ? { stream } : {}) }));
  }
  all.push(...user, history as Callback<Trainer>);
  const list = new CallbackList<Trainer>(all);
  const metricKeys = ['loss', ...metrics.map((m) => m.name)];
  const steps = stepsPerEpoch(xs.size, batchSize);
  const params: TrainingParams = {
    epochs,
    initialEpoch: o.initialEpoch,
    steps,
    batchSize,
    samples: xs.size,
    verbose: o.verbosity,
    metrics: val === undefined ? metricKeys : [...metricKeys, ...metricKeys.map((k) => `val_${k}`)],
  };
  trainer.stopTraining = disposeRequested(); // a dispose() requested meanwhile ends the fit at once
  const allParams = c.model.parameters ?? c.model.trainableParameters;
  const signature: RunSignature = { seed, batchSize, shuffle, samples: xs.size };
  const state: TrainingState = {
    parameters: allParams,
    layers: (c.model as { layers?: TrainingState['layers'] }).layers,
    optimizer: c.optimizer,
    callbacks: user,
    history,
  };
  // Read and check the checkpoint before anything changes; it is applied after onTrainBegin (which resets
  // the callbacks' states).
  const resume =
    o.resumeFrom === undefined ? undefined : await FitResume.load(o.resumeFrom, state, signature, epochs);
  // An unwritable checkpoint folder fails now, not after the first epoch has trained.
  if (checkpoint !== undefined) await prepareCheckpointDir(checkpoint.dir);
  resume?.checkAccumulator(2 + metrics.length + (nonFinite === 'ignore' ? 0 : 2));
  const startEpoch = resume?.epoch ?? o.initialEpoch;
  const startStep = resume?.step ?? 0;
  if (resume !== undefined) (params as { initialEpoch: number }).initialEpoch = startEpoch;
  const guarded = nonFinite !== 'ignore';
  const acc = new DeviceAccumulator([
    'loss',
    REG_KEY,
    ...metrics.map((m) => m.name),
    ...(guarded ? [BAD_KEY, FIRST_BAD_KEY] : []),
  ]);
  const logKeys = acc.keys.filter((k) => k !== BAD_KEY && k !== FIRST_BAD_KEY);
  let guard: NonFiniteGuard | undefined;
  let hasPenalty = resume?.hasPenalty ?? false;
  const stopIfBad = (bad: number, first: number): void => {
    if (guard?.mode === 'stop' && bad > 0) {
      throw divergedError(Math.floor(first / steps), first % steps, bad);
    }
  };
  try {
    list.setTrainer(trainer);
    list.setParams(params);
    await list.onTrainBegin({});
    resume?.apply(trainer);
    if (nonFinite !== 'ignore') guard = new NonFiniteGuard(nonFinite, resume?.guard ?? undefined);
    const save = async (position: { epoch: number; step: number }, mid?: { rng: RandomStream }) => {
      if (checkpoint === undefined) return;
      const guardState = guard === undefined ? null : guard.read();
      if (guardState !== null) stopIfBad(guardState[0], guardState[1]);
      await saveTrainingCheckpoint(checkpoint, state, {
        run: signature,
        position,
        stopped: trainer.stopTraining,
        layersRng: mid === undefined ? null : mid.rng.getState(),
        accumulator:
          mid === undefined
            ? null
            : { sums: Object.values(acc.readSync()).map((m) => m * acc.count), count: acc.count },
        hasPenalty,
        guard: guardState,
      });
    };
    for (let epoch = startEpoch; epoch < epochs && !trainer.stopTraining; epoch++) {
      const resumed = resume?.isPartial(epoch) === true;
      // A resumed partial epoch does not repeat onEpochBegin (its effects, e.g. a learning rate set by a
      // scheduler, are part of the restored state); only the progress display hears it.
      if (resumed) for (const cb of all) if (cb instanceof ProgressBar) cb.onEpochBegin(epoch);
      if (!resumed) await list.onEpochBegin(epoch, {});
      const streams = epochStreams(seed, epoch);
      const order = epochOrder(xs.size, shuffle, streams.shuffle);
      acc.reset();
      if (resumed) resume!.restoreEpoch(streams.layers, acc);
      let lastYield = performance.now();
      for (let step = resumed ? startStep : 0; step < steps; step++) {
        const [start, end] = batchBounds(xs.size, batchSize, step);
        const size = end - start;
        if (list.wantsBatchBegin) {
          const r = list.onBatchBegin(step, { batch: step, size });
          if (r !== undefined) await r;
        }
        const idx = order.subarray(start, end);
        const xb = xs.batch(idx);
        const yb = ys.batch(idx);
        try {
          const [contributions, p] = trainStep(
            c,
            xb,
            yb,
            metrics,
            streams.layers,
            guard,
            epoch * steps + step,
          );
          hasPenalty ||= p;
          acc.add(contributions, size);
        } finally {
          xb.dispose();
          yb.dispose();
        }
        if (list.wantsBatchEnd) {
          const keys = hasPenalty ? logKeys : logKeys.filter((k) => k !== REG_KEY);
          const r = list.onBatchEnd(step, acc.batchLogs(step, size, keys));
          if (r !== undefined) await r;
        }
        if (trainer.stopTraining) break;
        if (
          checkpoint !== undefined &&
          typeof checkpoint.every === 'number' &&
          step + 1 < steps &&
          (epoch * steps + step + 1) % checkpoint.every === 0
        ) {
          await save({ epoch, step: step + 1 }, { rng: streams.layers });
        }
        const now = performance.now();
        if (now - lastYield > YIELD_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      const means = await acc.read();
      if (guard !== undefined) {
        // The guard's entries are sums over the epoch, read with the losses (no extra read-back).
        const bad = Math.round(means[BAD_KEY]! * acc.count);
        stopIfBad(bad, Math.round(means[FIRST_BAD_KEY]! * acc.count));
      }
      const logs = logsFrom(means, hasPenalty);
      if (guard !== undefined && guard.mode === 'skip') {
        const bad = Math.round(means[BAD_KEY]! * acc.count);
        if (bad > 0) logs.nonfinite_steps = bad;
      }
      if (val !== undefined) {
        Object.assign(
          logs,
          prefixed(await evaluateSources(c, val[0], val[1], o.validationBatchSize, metrics)),
        );
      }
      const lr = c.optimizer.learningRate;
      if (typeof lr === 'number') logs.lr = lr;
      await list.onEpochEnd(epoch, logs);
      await save({ epoch: epoch + 1, step: 0 });
    }
    await list.onTrainEnd({});
  } finally {
    acc.dispose();
    guard?.dispose();
    for (const cb of all) if (cb instanceof ProgressBar) cb.onTrainEnd();
  }
  return history;
}
