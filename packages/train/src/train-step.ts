import {
  checkOptions,
  optionKeys,
  type Parameter,
  RandomStream,
  registerGradients,
  type Scalar,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { checkTargetsSync } from './check-data.js';
import type { Compiled } from './compile-options.js';
import { evalStep } from './evaluate.js';
import type { Metric } from './metrics.js';
import { checkModelFree } from './model-lock.js';
import { NonFiniteGuard } from './non-finite-guard.js';
import { variableGrads } from './variable-grads.js';

/** Options of {@link Trainer.trainOnBatch}. */
export interface TrainOnBatchOptions {
  /** Stream of the layers' randomness (dropout). Default a stream seeded with 0. */
  readonly rng?: RandomStream;
  /**
   * Check the labels against the loss and the model's output before the step (one small read-back; labels
   * out of range are `OUT_OF_RANGE` and nothing is updated). Default `true`; `findLearningRate` checks its
   * whole data once and turns it off.
   */
  readonly checkTargets?: boolean;
}

/** The keys of {@link TrainOnBatchOptions}. */
const TRAIN_ON_BATCH_KEYS = optionKeys<TrainOnBatchOptions>()(['rng', 'checkTargets']);

/** The trainable parameters by their variable's name; two parameters of one name are `INVALID_ARGUMENT`. */
function byVariableName(params: readonly Parameter[]): Map<string, Parameter> {
  const byVariable = new Map<string, Parameter>();
  const byName = new Set<string>();
  for (const p of params) {
    if (byName.has(p.name)) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `two trainable parameters are both named '${p.name}'; parameter names must be unique within a model`,
      );
    }
    byName.add(p.name);
    byVariable.set(p.variable.name, p);
  }
  return byVariable;
}

/**
 * One optimization step on a batch (Keras `train_step`): `tf.variableGrads` of
 * `loss(y, model(x, training)) + Σ penalties` over the model's current trainable parameters, then
 * `optimizer.step`, then the parameter constraints. Returns the accumulator contributions
 * `[totalLoss·n, penalty·n, Σ metric_1, …]` (a new tensor, no read-back) and whether penalties exist; with a
 * `guard`, the step is rolled back on the device when it was not finite and the guard's two entries are
 * appended to the contributions.
 */
export function trainStep(
  c: Compiled,
  xb: Tensor,
  yb: Tensor,
  metrics: readonly Metric[],
  rng: RandomStream,
  guard?: NonFiniteGuard,
  globalStep = 0,
): [Tensor, boolean] {
  const { model, optimizer } = c;
  const params = model.trainableParameters;
  const n = xb.shape[0]!;
  let hasPenalty = false;
  if (params.length === 0) {
    // Nothing to train (every layer frozen): report the loss, as Keras does.
    const [contributions, p] = evalStep(c, xb, yb, metrics, true, rng);
    if (guard === undefined) return [contributions, p];
    const padded = tf.concat([contributions, tf.zeros([2])]);
    contributions.dispose();
    return [padded, p];
  }
  const byVariable = byVariableName(params);
  // yPred and the penalty are kept out of the gradient tape's scopes to compute the metrics and the log
  // terms from the same forward pass; they are disposed right after.
  let yPred: Tensor | undefined;
  let penalty: Tensor | undefined;
  let step: { grads: Record<string, Tensor>; contributions: Tensor; finite: Tensor | undefined };
  // The guard's snapshot is taken before the forward pass, which updates batch-norm statistics.
  const snap = guard?.snapshot(model.parameters ?? params, optimizer);
  try {
    step = tf.tidy(() => {
      const { value, grads: raw } = variableGrads(
        () => {
          const losses: Scalar[] = [];
          const out = model.apply(xb, { training: true, rng, losses });
          const dataLoss = c.loss(yb, out);
          if (dataLoss.rank !== 0) {
            throw new SteadygradError(
              'SHAPE_MISMATCH',
              `the loss must return a scalar, got shape [${dataLoss.shape}]`,
            );
          }
          yPred = tf.keep(out);
          const terms = [...model.regularizationLosses(), ...losses];
          if (terms.length === 0) return dataLoss;
          hasPenalty = true;
          penalty = tf.keep(terms.length === 1 ? terms[0]! : tf.addN(terms));
          return tf.add(dataLoss, penalty) as Scalar;
        },
        params.map((p) => p.variable),
      );
      const named: Record<string, Tensor> = {};
      for (const [varName, g] of Object.entries(raw)) {
        const p = byVariable.get(varName);
        if (p !== undefined && g !== null) named[p.name] = g;
      }
      const parts = [tf.mul(value, n), penalty === undefined ? tf.scalar(0) : tf.mul(penalty, n)];
      for (const m of metrics) parts.push(tf.sum(m.perSample(yb, yPred!)));
      const finite = guard === undefined ? undefined : NonFiniteGuard.finiteFlag(value, Object.values(named));
      return { grads: named, contributions: tf.stack(parts), finite };
    });
  } catch (e) {
    if (snap !== undefined) {
      tf.dispose(snap.values);
      if (snap.optimizer !== undefined) tf.dispose(Object.values(snap.optimizer.tensors));
    }
    throw e;
  } finally {
    if (yPred !== undefined) yPred.dispose();
    if (penalty !== undefined) penalty.dispose();
  }
  const { grads, finite } = step;
  let contributions = step.contributions;
  try {
    optimizer.step(
      params.filter((p) => grads[p.name] !== undefined),
      grads,
    );
    model.applyConstraints();
    if (guard !== undefined && snap !== undefined && finite !== undefined) {
      const { ok, extra } = guard.commit(finite, snap, optimizer, globalStep);
      const before = contributions;
      contributions = tf.tidy(() =>
        tf.concat([NonFiniteGuard.select(ok, before, tf.zerosLike(before)), extra]),
      );
      tf.dispose([ok, extra, before]);
    }
  } catch (e) {
    contributions.dispose();
    throw e;
  } finally {
    tf.dispose(Object.values(grads));
  }
  return [contributions, hasPenalty];
}

/**
 * `Trainer.trainOnBatch`: checks the options (then `usable`), that no `fit` of another owner trains the model,
 * the tensors and (unless turned off) the labels, then runs {@link trainStep}. Returns the batch's mean loss.
 */
export function trainOnBatchStep(
  c: Compiled,
  owner: object,
  x: Tensor,
  y: Tensor,
  options: TrainOnBatchOptions,
  usable: () => void,
): Scalar {
  checkOptions('trainOnBatch', options, TRAIN_ON_BATCH_KEYS);
  registerGradients();
  const { rng = new RandomStream(0), checkTargets: check = true } = options;
  usable();
  checkModelFree(c.model, owner, 'trainOnBatch', ['findLearningRate']);
  if (typeof x?.shape !== 'object' || typeof y?.shape !== 'object' || x.isDisposed || y.isDisposed) {
    throw new SteadygradError('INVALID_ARGUMENT', 'trainOnBatch expects two live tensors x and y');
  }
  if (x.shape[0] !== y.shape[0]) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `trainOnBatch: x holds ${x.shape[0]} samples and y ${y.shape[0]}`,
      { details: { x: x.shape[0], y: y.shape[0] } },
    );
  }
  if (check) {
    checkTargetsSync('y', y, { kind: c.lossKind, outputShape: c.model.outputShape });
  }
  const [contributions] = trainStep(c, x, y, [], rng);
  try {
    return tf.tidy(() => tf.div(tf.reshape(tf.slice(contributions, [0], [1]), []), x.shape[0]!)) as Scalar;
  } finally {
    contributions.dispose();
  }
}
