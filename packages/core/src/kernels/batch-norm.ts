import * as tf from '@tensorflow/tfjs-core';
import { type HostKernel, hostKernelAvailable, runHostKernel } from './host-kernel.js';

interface BatchNormTrainAttrs {
  readonly epsilon: number;
  /** Keras momentum m of `moving ← moving·m + batch·(1 − m)`; used only when moving statistics are inputs. */
  readonly momentum: number;
}

/**
 * Training-mode batch normalization of an `[n, C]` matrix over its rows, one pass per statistic
 * (float64 accumulators): `μ = Σx/n`, `σ² = Σ(x − μ)²/n` (biased), `inv = 1/√(σ² + ε)`,
 * `x̂ = (x − μ)·inv`, `y = γ·x̂ + β` (γ = 1, β = 0 when omitted), and, when the moving statistics are
 * inputs, their Keras update `moving ← moving·m + batch·(1 − m)` (biased variance, as Keras 3).
 * Outputs: `y`, `xhat` (saved for the backward pass), `inv` `[C]`, `newMean`, `newVariance` `[C]`.
 */
export const batchNormTrainKernel: HostKernel<BatchNormTrainAttrs> = {
  name: 'SteadygradBatchNormTrain',
  inputs: ['x', 'gamma', 'beta', 'movingMean', 'movingVariance'],
  outputs: ['y', 'xhat', 'inv', 'newMean', 'newVariance'],
  outputShapes(s) {
    const x = s.x as readonly number[];
    const c = [x[1] as number];
    return {
      y: x,
      xhat: x,
      inv: c,
      newMean: s.movingMean === undefined ? undefined : c,
      newVariance: s.movingVariance === undefined ? undefined : c,
    };
  },
  compute(i, o, s, { epsilon, momentum }) {
    const [n, C] = s.x as [number, number];
    const x = i.x as Float32Array;
    const gamma = i.gamma;
    const beta = i.beta;
    const y = o.y as Float32Array;
    const xhat = o.xhat as Float32Array;
    const inv = o.inv as Float32Array;
    const mean = new Float64Array(C);
    for (let r = 0; r < n; r++) {
      const row = r * C;
      for (let c = 0; c < C; c++) mean[c] = (mean[c] as number) + (x[row + c] as number);
    }
    for (let c = 0; c < C; c++) mean[c] = (mean[c] as number) / n;
    const variance = new Float64Array(C);
    for (let r = 0; r < n; r++) {
      const row = r * C;
      for (let c = 0; c < C; c++) {
        const d = (x[row + c] as number) - (mean[c] as number);
        variance[c] = (variance[c] as number) + d * d;
      }
    }
    for (let c = 0; c < C; c++) {
      variance[c] = (variance[c] as number) / n;
      inv[c] = 1 / Math.sqrt((variance[c] as number) + epsilon);
    }
    for (let r = 0; r < n; r++) {
      const row = r * C;
      for (let c = 0; c < C; c++) {
        const h = ((x[row + c] as number) - (mean[c] as number)) * (inv[c] as number);
        xhat[row + c] = h;
        y[row + c] =
          h * (gamma === undefined ? 1 : (gamma[c] as number)) +
          (beta === undefined ? 0 : (beta[c] as number));
      }
    }
    const mm = i.movingMean;
    const mv = i.movingVariance;
    const nm = o.newMean;
    const nv = o.newVariance;
    if (mm !== undefined && nm !== undefined) {
      for (let c = 0; c < C; c++) nm[c] = (mm[c] as number) * momentum + (mean[c] as number) * (1 - momentum);
    }
    if (mv !== undefined && nv !== undefined) {
      for (let c = 0; c < C; c++)
        nv[c] = (mv[c] as number) * momentum + (variance[c] as number) * (1 - momentum);
    }
  },
};

/**
 * The backward pass of {@link batchNormTrainKernel} in one loop pair: `dβ = Σ dy`, `dγ = Σ dy·x̂`,
 * `dx = γ·inv·(dy − dβ/n − x̂·dγ/n)` (Ioffe & Szegedy 2015).
 */
export const batchNormGradKernel: HostKernel<Record<string, never>> = {
  name: 'SteadygradBatchNormGrad',
  inputs: ['dy', 'xhat', 'inv', 'gamma'],
  outputs: ['dx', 'dgamma', 'dbeta'],
  outputShapes(s) {
    const x = s.dy as readonly number[];
    const c = [x[1] as number];
    return { dx: x, dgamma: c, dbeta: c };
  },
  compute(i, o, s) {
    const [n, C] = s.dy as [number, number];
    const dy = i.dy as Float32Array;
    const xhat = i.xhat as Float32Array;
    const inv = i.inv as Float32Array;
    const gamma = i.gamma;
    const dx = o.dx as Float32Array;
    const dgamma = o.dgamma as Float32Array;
    const dbeta = o.dbeta as Float32Array;
    const sumDy = new Float64Array(C);
    const sumDyXhat = new Float64Array(C);
    for (let r = 0; r < n; r++) {
      const row = r * C;
      for (let c = 0; c < C; c++) {
        const d = dy[row + c] as number;
        sumDy[c] = (sumDy[c] as number) + d;
        sumDyXhat[c] = (sumDyXhat[c] as number) + d * (xhat[row + c] as number);
      }
    }
    const a = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      dbeta[c] = sumDy[c] as number;
      dgamma[c] = sumDyXhat[c] as number;
      a[c] = (gamma === undefined ? 1 : (gamma[c] as number)) * (inv[c] as number);
      sumDy[c] = (sumDy[c] as number) / n;
      sumDyXhat[c] = (sumDyXhat[c] as number) / n;
    }
    for (let r = 0; r < n; r++) {
      const row = r * C;
      for (let c = 0; c < C; c++) {
        dx[row + c] =
          (a[c] as number) *
          ((dy[row + c] as number) -
            (sumDy[c] as number) -
            (xhat[row + c] as number) * (sumDyXhat[c] as number));
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
  const inputs: tf.Tensor[] = [x];
  if (gamma !== undefined) inputs.push(gamma);
  if (beta !== undefined) inputs.push(beta);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const xIn = args[0] as tf.Tensor;
    const g = gamma === undefined ? undefined : (args[1] as tf.Tensor);
    const b = beta === undefined ? undefined : (args[gamma === undefined ? 1 : 2] as tf.Tensor);
    const x2 = xIn.rank === 2 ? xIn : tf.reshape(xIn, [rows, channels]);
    const out = runHostKernel(
      batchNormTrainKernel,
      { x: x2, gamma: g, beta: b, movingMean: moving?.mean, movingVariance: moving?.variance },
      { epsilon, momentum: moving?.momentum ?? 0 },
    );
    const [y2, xhat, inv] = out as [tf.Tensor, tf.Tensor, tf.Tensor];
    if (moving !== undefined) {
      const [newMean, newVariance] = out.slice(3) as [tf.Tensor, tf.Tensor];
      moving.mean.assign(newMean);
      moving.variance.assign(newVariance);
      newMean.dispose();
      newVariance.dispose();
    }
    save(g === undefined ? [xhat, inv] : [xhat, inv, g]);
    xhat.dispose();
    inv.dispose();
    let y = y2;
    if (xIn.rank !== 2) {
      y = tf.reshape(y2, xIn.shape);
      y2.dispose();
      x2.dispose();
    }
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sxhat, sinv, sg] = saved as [tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        const dy2 = dy.rank === 2 ? dy : tf.reshape(dy, [rows, channels]);
        const [dx2, dgamma, dbeta] = runHostKernel(
          batchNormGradKernel,
          { dy: dy2, xhat: sxhat, inv: sinv, gamma: sg },
          {},
        ) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const grads: tf.Tensor[] = [dy.rank === 2 ? dx2 : tf.reshape(dx2, dy.shape)];
        if (gamma !== undefined) grads.push(dgamma);
        if (beta !== undefined) grads.push(dbeta);
        return grads;
      },
    };
  });
  return op(...inputs);
}
