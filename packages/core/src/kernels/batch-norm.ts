import * as tf from '@tensorflow/tfjs-core';
import { lazyGradOp } from '../lazy-grad.js';
import { type HostKernel, hostKernelAvailable, runHostKernel } from './host-kernel.js';

interface BatchNormTrainAttrs {
  readonly epsilon: number;
  /** Keras momentum m of `moving ← moving·m + batch·(1 − m)`; used only when moving statistics are inputs. */
  readonly momentum: number;
}

/**
 * Training-mode batch normalization of an `[n, C]` matrix over its rows: per column, `μ = Σx/n`, then
 * `σ² = Σ(x − μ)²/n` (biased; two passes with float64 accumulators, which keeps the variance exact for
 * inputs far from zero), `inv = 1/√(σ² + ε)`, and `y = γ·(x − μ)·inv + β` (γ = 1, β = 0 when omitted),
 * written as `y = x·s + t` with `s = γ·inv`, `t = β − μ·s`. When the moving statistics are inputs, their
 * Keras update `moving ← moving·m + batch·(1 − m)` (biased variance, as Keras 3; PyTorch uses momentum
 * `1 − m` and the unbiased variance for its running variance).
 * Outputs: `y`, `mean` and `inv` `[C]` (what the backward pass needs with `x`), `newMean`, `newVariance`.
 */
export const batchNormTrainKernel: HostKernel<BatchNormTrainAttrs> = {
  name: 'SteadygradBatchNormTrain',
  inputs: ['x', 'gamma', 'beta', 'movingMean', 'movingVariance'],
  outputs: ['y', 'mean', 'inv', 'newMean', 'newVariance'],
  outputShapes(s) {
    const x = s.x as readonly number[];
    const c = [x[1] as number];
    return {
      y: x,
      mean: c,
      inv: c,
      newMean: s.movingMean === undefined ? undefined : c,
      newVariance: s.movingVariance === undefined ? undefined : c,
    };
  },
  compute(i, o, s, { epsilon, momentum }) {
    const [n, C] = s.x as [number, number];
    const size = n * C;
    const x = i.x as Float32Array;
    const gamma = i.gamma;
    const beta = i.beta;
    const y = o.y as Float32Array;
    const meanOut = o.mean as Float32Array;
    const inv = o.inv as Float32Array;
    const mm = i.movingMean;
    const mv = i.movingVariance;
    const nm = o.newMean;
    const nv = o.newVariance;
    const scale = new Float64Array(C);
    const shift = new Float64Array(C);
    // Column-wise passes with scalar accumulators (faster in JS than row-wise passes into arrays).
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let k = c; k < size; k += C) sum += x[k] as number;
      const mean = sum / n;
      let ss = 0;
      for (let k = c; k < size; k += C) {
        const d = (x[k] as number) - mean;
        ss += d * d;
      }
      const variance = ss / n;
      const iv = 1 / Math.sqrt(variance + epsilon);
      meanOut[c] = mean;
      inv[c] = iv;
      const g = gamma === undefined ? 1 : (gamma[c] as number);
      scale[c] = g * iv;
      shift[c] = (beta === undefined ? 0 : (beta[c] as number)) - mean * g * iv;
      if (mm !== undefined && nm !== undefined) nm[c] = (mm[c] as number) * momentum + mean * (1 - momentum);
      if (mv !== undefined && nv !== undefined)
        nv[c] = (mv[c] as number) * momentum + variance * (1 - momentum);
    }
    for (let r = 0; r < n; r++) {
      const row = r * C;
      for (let c = 0; c < C; c++)
        y[row + c] = (x[row + c] as number) * (scale[c] as number) + (shift[c] as number);
    }
  },
};

interface BatchNormGradAttrs {
  /** Whether to compute `dx` (false: only `dγ` and `dβ`, e.g. for a normalization of the model's input). */
  readonly inputGrad: boolean;
}

/**
 * The backward pass of {@link batchNormTrainKernel} (Ioffe & Szegedy 2015), with `x̂ = (x − μ)·inv`
 * recomputed from the saved input: `dβ = Σ dy`, `dγ = Σ dy·x̂` (sums over rows), and, when `inputGrad`,
 * `dx = γ·inv·(dy − dβ/n − x̂·dγ/n)`.
 */
export const batchNormGradKernel: HostKernel<BatchNormGradAttrs> = {
  name: 'SteadygradBatchNormGrad',
  inputs: ['dy', 'x', 'mean', 'inv', 'gamma'],
  outputs: ['dx', 'dgamma', 'dbeta'],
  outputShapes(s, { inputGrad }) {
    const x = s.dy as readonly number[];
    const c = [x[1] as number];
    return { dx: inputGrad ? x : undefined, dgamma: c, dbeta: c };
  },
  compute(i, o, s, { inputGrad }) {
    const [n, C] = s.dy as [number, number];
    const size = n * C;
    const dy = i.dy as Float32Array;
    const x = i.x as Float32Array;
    const mean = i.mean as Float32Array;
    const inv = i.inv as Float32Array;
    const gamma = i.gamma;
    const dgamma = o.dgamma as Float32Array;
    const dbeta = o.dbeta as Float32Array;
    const a = new Float64Array(C);
    const mb = new Float64Array(C);
    const mg = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      const m = mean[c] as number;
      const iv = inv[c] as number;
      let sumDy = 0;
      let sumDyXc = 0;
      for (let k = c; k < size; k += C) {
        const d = dy[k] as number;
        sumDy += d;
        sumDyXc += d * ((x[k] as number) - m);
      }
      const sumDyXhat = sumDyXc * iv;
      dbeta[c] = sumDy;
      dgamma[c] = sumDyXhat;
      a[c] = (gamma === undefined ? 1 : (gamma[c] as number)) * iv;
      mb[c] = sumDy / n;
      mg[c] = (sumDyXhat / n) * iv;
    }
    const dx = o.dx;
    if (!inputGrad || dx === undefined) return;
    for (let r = 0; r < n; r++) {
      const row = r * C;
      for (let c = 0; c < C; c++) {
        // x̂·dγ/n = (x − μ)·inv·dγ/n = (x − μ)·mg
        dx[row + c] =
          (a[c] as number) *
          ((dy[row + c] as number) -
            (mb[c] as number) -
            ((x[row + c] as number) - (mean[c] as number)) * (mg[c] as number));
      }
    }
  },
};

/** The moving statistics {@link batchNormTrainingHost} updates in place (Keras momentum m). */
export interface HostMovingStatistics {
  readonly mean: tf.Variable;
  readonly variance: tf.Variable;
  readonly momentum: number;
}

/** Whether {@link batchNormTrainingHost} can run on the active backend (cpu or wasm). */
export function batchNormHostAvailable(): boolean {
  return hostKernelAvailable(batchNormTrainKernel) && hostKernelAvailable(batchNormGradKernel);
}

/**
 * Channels-last training-mode batch normalization as ONE forward kernel and ONE backward kernel (host
 * kernels, cpu and wasm backends): the formulas of {@link batchNormTrainKernel} / {@link batchNormGradKernel}
 * over every axis but the last. When `moving` is given its variables are assigned the updated statistics
 * during the forward pass (outside the gradient tape). Differentiable in `x`, `gamma` and `beta` (first
 * order). Check {@link batchNormHostAvailable} first.
 */
export function batchNormTrainingHost(
  x: tf.Tensor,
  options: {
    readonly epsilon: number;
    readonly gamma?: tf.Tensor;
    readonly beta?: tf.Tensor;
    readonly moving?: HostMovingStatistics;
  },
): tf.Tensor {
  const { epsilon, gamma, beta, moving } = options;
  const channels = x.shape[x.rank - 1] as number;
  const rows = x.size / channels;
  const inputs: Record<string, tf.Tensor> = { x };
  if (gamma !== undefined) inputs.gamma = gamma;
  if (beta !== undefined) inputs.beta = beta;
  return lazyGradOp(
    inputs,
    (save) => {
      const x2 = x.rank === 2 ? x : tf.reshape(x, [rows, channels]);
      const out = runHostKernel(
        batchNormTrainKernel,
        { x: x2, gamma, beta, movingMean: moving?.mean, movingVariance: moving?.variance },
        { epsilon, momentum: moving?.momentum ?? 0 },
      );
      const [y2, mean, inv] = out as [tf.Tensor, tf.Tensor, tf.Tensor];
      if (moving !== undefined) {
        const [newMean, newVariance] = out.slice(3) as [tf.Tensor, tf.Tensor];
        moving.mean.assign(newMean);
        moving.variance.assign(newVariance);
      }
      save(gamma === undefined ? [x2, mean, inv] : [x2, mean, inv, gamma]);
      return x.rank === 2 ? y2 : tf.reshape(y2, x.shape);
    },
    (dy, saved) => {
      const [sx, smean, sinv, sg] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const dy2 = dy.rank === 2 ? dy : tf.reshape(dy, [rows, channels]);
      const run = (inputGrad: boolean) =>
        runHostKernel(
          batchNormGradKernel,
          { dy: dy2, x: sx, mean: smean, inv: sinv, gamma: sg },
          { inputGrad },
        );
      // The gradients come from one kernel: `prepare` runs it once, with `dx` only when the input's gradient
      // is needed (it is asked for first when it is); each gradient function falls back to its own run.
      let shared: tf.Tensor[] | undefined;
      const part = (name: 'dx' | 'dgamma' | 'dbeta'): tf.Tensor => {
        if (name === 'dx') {
          const dx2 = (shared !== undefined && shared.length === 3 ? shared : run(true))[0] as tf.Tensor;
          return dy.rank === 2 ? dx2 : tf.reshape(dx2, dy.shape);
        }
        const outs = shared ?? run(false);
        return outs[outs.length - (name === 'dgamma' ? 2 : 1)] as tf.Tensor;
      };
      return {
        prepare: (first: string) => {
          shared = run(first === 'x');
        },
        grads: { x: () => part('dx'), gamma: () => part('dgamma'), beta: () => part('dbeta') },
      };
    },
  );
}
