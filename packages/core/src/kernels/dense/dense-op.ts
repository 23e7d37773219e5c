// The Dense layer's affine op, `act(x·W + b)` with a custom gradient: the op nn's Dense layer and
// normalization's BN → Dense fusion call (ops live with their kernels, so neither package calls the other).
import type { Activation } from '../../contracts.js';
import { registerGradients } from '../../gradients.js';
import { markSoftmaxOutput } from '../../softmax-output.js';
import { type Tensor, tf } from '../../tf.js';
import { biasActGradKernel } from '../bias-act-grad/bias-act-grad.js';
import { hostMatMul, hostMatMulAvailable } from '../mat-mul/mat-mul.js';
import { backendTraits } from '../runtime/backend-traits.js';
import { gradientTapeRecording, runEngineKernel } from '../runtime/engine.js';
import { hostKernelAvailable, runHostKernel } from '../runtime/host-kernel.js';
import { lazyGradOp } from '../runtime/lazy-grad.js';
import { softmaxBiasGradKernel, softmaxRowsKernel } from '../softmax-rows/softmax-rows.js';
import { transposeBiasActKernel } from '../transpose-bias-act/transpose-bias-act.js';

/**
 * The activations a Dense layer fuses into its matmul kernel. `relu` and `linear` only: their backward
 * needs nothing but the output (`relu'(z) = step(y)`, with `relu'(0) = 0`, the tfjs/TensorFlow/PyTorch
 * convention). Every other activation is applied after the fused affine part and differentiated by its
 * own gradient.
 */
export type FusedActivation = 'linear' | 'relu';

/** What the affine custom-gradient op fuses: a {@link FusedActivation}, or (host kernels only) softmax. */
export type AffineActivation = FusedActivation | 'softmax';

/**
 * The gradient of `y = act(x·W + b)` for a fused activation, from the upstream gradient `dy` and the
 * saved forward output `y`:
 *
 *   dZ = dy ⊙ act'(Z)          (relu: dy ⊙ step(y); linear: dy; softmax: y ⊙ (dy − Σ_k dy ⊙ y))
 *   dX = dZ · Wᵀ               (explicit transposes, then a plain matmul)
 *   dW = Xᵀ · dZ               (explicit transpose, then a plain matmul)
 *   db = Σ_batch dZ            (sum over axis 0)
 *
 * `dZ` and `db` are computed at once (on the cpu and wasm backends by one host kernel,
 * `biasActGradKernel`); `dX` and `dW` are functions called only for the inputs whose gradient is
 * needed ({@link lazyGradOp}): a Dense layer applied to the model's input never computes `dX`.
 *
 * The transposes are explicit on purpose: tfjs's own MatMul gradient calls `matMul` with `transposeA` /
 * `transposeB`, which on the wasm backend is ~11x slower than transposing first (docs/performance.md, "nn: Dense and batch normalization → Dense").
 * `dX` is computed as `(W · dZᵀ)ᵀ` when that transposes fewer values than `dZ · Wᵀ` (small batches:
 * `m·(n + k) < k·n`), which also spares the wasm matmul from re-packing the large `Wᵀ` on every call.
 */
export function affineGradParts(
  activation: AffineActivation,
  dy: Tensor,
  y: Tensor,
): { dz: Tensor; db: Tensor } {
  if (activation === 'softmax') {
    const [dz, db] = runHostKernel(softmaxBiasGradKernel, { dy, y }, {}) as [Tensor, Tensor];
    return { dz, db };
  }
  if (hostKernelAvailable(biasActGradKernel)) {
    const [dz, db] = runHostKernel(biasActGradKernel, { dy, y }, { relu: activation === 'relu' }) as [
      Tensor,
      Tensor,
    ];
    return { dz, db };
  }
  const dz = activation === 'relu' ? tf.mul(dy, tf.step(y)) : dy;
  return { dz, db: tf.sum(dz, 0) };
}

/**
 * `dX = dZ · Wᵀ` (see {@link affineGradParts}). On wasm with SIMD: `Wᵀ` by one transpose kernel, then
 * core's {@link hostMatMul}; on tensorflow, one TensorFlow product with `bᵀ` as an attribute.
 */
export function affineInputGrad(dz: Tensor, kernel: Tensor): Tensor {
  if (hostMatMulAvailable()) return hostMatMul(dz, kernel, { transposeB: true });
  const [k, n] = kernel.shape as [number, number];
  const m = dz.shape[0] as number;
  return smallBatch(m, k, n)
    ? tf.tidy(() => tf.transpose(tf.matMul(kernel, tf.transpose(dz))))
    : tf.tidy(() => tf.matMul(dz, tf.transpose(kernel)));
}

/**
 * `dW = Xᵀ · dZ` from the saved `x`, or from `xᵀ` when the forward pass saved it transposed. On wasm with
 * SIMD, core's {@link hostMatMul} reads `x` transposed in place: no transpose kernel.
 */
export function affineKernelGrad(dz: Tensor, x: Tensor, xIsTransposed: boolean): Tensor {
  if (hostMatMulAvailable()) return hostMatMul(x, dz, { transposeA: !xIsTransposed });
  return xIsTransposed ? tf.matMul(x, dz) : tf.tidy(() => tf.matMul(tf.transpose(x), dz));
}

/**
 * `act(x·W + b)` as ONE `_FusedMatMul` kernel call. `tf.fused.matMul` falls back to three unfused ops
 * whenever a gradient tape is recording and the activation is not linear (tfjs's `shouldFuse`); calling
 * the kernel directly keeps the forward fused during training too (the tape is off inside a custom
 * gradient's forward, so nothing is recorded for it). Inputs are viewed as rank 3 (`[1, M, K]`), the form
 * every backend's fused kernel accepts.
 */
function fusedMatMul(
  x: Tensor,
  kernel: Tensor,
  bias: Tensor | undefined,
  activation: FusedActivation,
): Tensor {
  const [m, k] = x.shape as [number, number];
  const n = kernel.shape[1] as number;
  const a = tf.reshape(x, [1, m, k]);
  const b = tf.reshape(kernel, [1, k, n]);
  const inputs: tf.NamedTensorMap = bias === undefined ? { a, b } : { a, b, bias };
  const attrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 };
  const out = runEngineKernel(tf._FusedMatMul, inputs, attrs) as Tensor;
  return tf.reshape(out, [m, n]);
}

/**
 * True when a batch of `m` rows is small against the kernel `[k, n]`: `m·(k + n) < k·n`. Then the matmuls
 * are arranged so that the large kernel is the FIRST operand (the wasm backend re-packs its second operand,
 * the "weights" of its fully-connected kernel, whenever that tensor is new — every step for a trained
 * kernel — which costs more than the small transposes this needs).
 */
function smallBatch(m: number, k: number, n: number): boolean {
  return m * (k + n) < k * n;
}

/**
 * The forward pass: `y = act(x·W + b)` and the tensor to save for the backward pass (`x`, or `xᵀ` when the
 * forward was computed transposed). On the wasm backend with WebAssembly SIMD: one core {@link hostMatMul}
 * kernel (product, bias and relu; ~1.3–1.6x tfjs's fused matmul there), and the backward's matmuls use it too.
 * Otherwise, while training (a gradient tape records) on the wasm backend with a
 * small batch, `yᵀ` is computed as `Wᵀ·xᵀ` and one host kernel transposes it back, adds the bias and applies
 * the activation (`transposeBiasActKernel`); `xᵀ` is saved and reused for `dW = xᵀ·dZ`. Otherwise one
 * `_FusedMatMul` (inference keeps the plain form: its kernel does not change between batches, so the wasm
 * backend's packed copy is reused).
 */
export function affineForward(
  x: Tensor,
  kernel: Tensor,
  bias: Tensor | undefined,
  activation: AffineActivation,
): { y: Tensor; saveX: Tensor; xIsTransposed: boolean } {
  if (activation === 'softmax') {
    const inner = affineForward(x, kernel, bias, 'linear');
    const [y] = runHostKernel(softmaxRowsKernel, { z: inner.y }, {});
    inner.y.dispose();
    return { ...inner, y: y as Tensor };
  }
  if (hostMatMulAvailable()) {
    // wasm with SIMD: the product, the bias and relu in one kernel, no transpose, no re-packed weights.
    const y = hostMatMul(x, kernel, { bias, relu: activation === 'relu' });
    return { y, saveX: x, xIsTransposed: false };
  }
  const m = x.shape[0] as number;
  const [k, n] = kernel.shape as [number, number];
  if (
    smallBatch(m, k, n) &&
    backendTraits().repacksMatMulOperand &&
    gradientTapeRecording() &&
    hostKernelAvailable(transposeBiasActKernel)
  ) {
    const xT = tf.transpose(x);
    const wT = tf.transpose(kernel);
    const zT = tf.matMul(wT, xT);
    const [y] = runHostKernel(transposeBiasActKernel, { zT, bias }, { relu: activation === 'relu' });
    wT.dispose();
    zT.dispose();
    return { y: y as Tensor, saveX: xT, xIsTransposed: true };
  }
  return { y: fusedMatMul(x, kernel, bias, activation), saveX: x, xIsTransposed: false };
}

/** `act(x·W + b)` as one {@link lazyGradOp}: {@link affineForward} forward, {@link affineGradParts} backward. */
function affine(activation: AffineActivation, x: Tensor, kernel: Tensor, bias: Tensor | undefined): Tensor {
  let xIsTransposed = false;
  const inputs: Partial<Record<'x' | 'kernel' | 'bias', Tensor>> = { x, kernel };
  if (bias !== undefined) inputs.bias = bias;
  return lazyGradOp(
    inputs as Record<'x' | 'kernel' | 'bias', Tensor>,
    (save) => {
      const f = affineForward(x, kernel, bias, activation);
      save([f.saveX, kernel, f.y]);
      xIsTransposed = f.xIsTransposed;
      return f.y;
    },
    (dy, saved) => {
      const [xs, ws, ys] = saved as [Tensor, Tensor, Tensor];
      const { dz, db } = affineGradParts(activation, dy, ys);
      return {
        grads: {
          x: () => affineInputGrad(dz, ws),
          kernel: () => affineKernelGrad(dz, xs, xIsTransposed),
          bias: () => db,
        },
      };
    },
  );
}

/**
 * The optimized Dense computation on a rank-2 input: `act(x·W + b)`, forward as one `_FusedMatMul` kernel
 * (bias and, for `relu`/`linear`, the activation fused), backward as the hand-written gradient above.
 * A non-fusable activation is applied after a fused linear affine step, except a last-axis softmax on the
 * cpu/wasm backends, which runs inside the op as two host kernels (row softmax forward; `dZ = y ⊙ (dy −
 * Σ dy ⊙ y)` with `db` backward).
 *
 * @param x       [batch, inputDim]
 * @param kernel  [inputDim, units]
 * @param bias    [units], or undefined without bias
 * @param fused   the activation to fuse, or `undefined` when `post` is applied afterwards
 * @param post    a non-fusable activation (applied to the linear output), or undefined
 */
export function denseForward(
  x: Tensor,
  kernel: Tensor,
  bias: Tensor | undefined,
  fused: FusedActivation,
  post: Activation | undefined,
): Tensor {
  registerGradients();
  if (fused === 'linear' && post !== undefined && hostSoftmax(post)) {
    // Softmax output layer on cpu/wasm: the softmax and its backward are host kernels inside the affine op.
    // Marked as a softmax output, as the activations package's softmax marks its own (exact cross-entropy).
    return markSoftmaxOutput(affine('softmax', x, kernel, bias));
  }
  if (post === undefined) return affine(fused, x, kernel, bias);
  return tf.tidy(() => post.apply(affine(fused, x, kernel, bias)));
}

/** Whether `post` is a last-axis softmax that the host kernels can run inside the affine op. */
function hostSoftmax(post: Activation): boolean {
  return (
    isLastAxisSoftmax(post) &&
    hostKernelAvailable(softmaxRowsKernel) &&
    hostKernelAvailable(softmaxBiasGradKernel)
  );
}

/**
 * The activation the affine op can fuse for a Dense layer's (`fused`, `post`) pair, or `undefined` when the
 * layer applies a separate activation afterwards.
 */
export function affineActivationFor(
  fused: FusedActivation,
  post: Activation | undefined,
): AffineActivation | undefined {
  if (post === undefined) return fused;
  return fused === 'linear' && hostSoftmax(post) ? 'softmax' : undefined;
}

/** The activations package's softmax over the last axis (its config `axis` is −1; inputs here are rank 2). */
function isLastAxisSoftmax(a: Activation): boolean {
  const axis = (a.config as { axis?: unknown }).axis;
  return a.name === 'softmax' && (axis === -1 || axis === 1);
}

/**
 * The straightforward Dense computation, `act(matMul(x, W) + b)` with tfjs's own gradients. Kept as the
 * reference the optimized path is tested against; not used by the layer.
 */
export function denseReference(
  x: Tensor,
  kernel: Tensor,
  bias: Tensor | undefined,
  activation: Activation,
): Tensor {
  registerGradients();
  return tf.tidy(() => {
    const z = tf.matMul(x, kernel);
    return activation.apply(bias === undefined ? z : tf.add(z, bias));
  });
}
