import { markSoftmaxOutput, registerGradients, type Tensor, tf } from '@steadygrad/core';
import {
  type AffineActivation,
  affineForward,
  affineGradParts,
  affineInputGrad,
  affineKernelGrad,
  type BatchNormRowsOptions,
  backendTraits,
  batchNormGradKernel,
  batchNormHostAvailable,
  batchNormTrainRows,
  hostKernelAvailable,
  hostMatMul,
  hostMatMulAvailable,
  lazyGradOp,
  normalizedDenseParamGradKernel,
  normalizedRowsKernel,
  normalizedTransposeKernel,
  runHostKernel,
} from '@steadygrad/core/kernels';

/** Whether {@link normalizedDenseForward} can run on the active backend (the cpu and wasm host kernels). */
export function normalizedDenseAvailable(): boolean {
  return (
    batchNormHostAvailable() &&
    hostKernelAvailable(normalizedTransposeKernel) &&
    hostKernelAvailable(normalizedDenseParamGradKernel)
  );
}

type Input = 'x' | 'gamma' | 'beta' | 'kernel' | 'bias';

/**
 * How the backward pass runs: `unfused` (the two layers' own backward passes, `dx` included), `unfusedNoDx`
 * (the same without the normalization's `dx`), `fused` (from `M = x̂ᵀ·dZ`, no `dY₀`).
 */
type Mode = 'unfused' | 'unfusedNoDx' | 'fused';

/**
 * Without WebAssembly SIMD, batches of at least this many rows take the `fused` backward on the wasm backend:
 * it trades the `[n, N]·[N, C]` matmul for `dY₀` (cost ∝ n·C·N) for a JavaScript pass over `[C, N]` (cost
 * ∝ C·N, about as long as ~45 rows of that matmul on wasm: measured on the seed's 784 → 300 layer). With SIMD
 * that pass takes ~a fifth of the time (a few rows' worth of matmul) and the fused backward always wins, as it
 * does on the cpu backend, whose matmul is ~30x slower.
 */
const FUSED_MIN_ROWS_WASM_WITHOUT_SIMD = 48;

function fuseWithoutInputGrad(rows: number): Mode {
  if (!backendTraits().hostLoopsScalar) return 'fused';
  return rows >= FUSED_MIN_ROWS_WASM_WITHOUT_SIMD ? 'fused' : 'unfusedNoDx';
}

/**
 * `act(BN(x)·W + b)` as ONE differentiable op: BatchNormalization's training-mode forward
 * ({@link batchNormTrainRows}: `y₀ = γ·x̂ + β`, `x̂ = (x − μ)/√(σ² + ε)`, biased batch variance, moving
 * statistics updated with the Keras momentum) followed by the Dense layer's affine op (nn's `affineForward`).
 *
 * Why fuse: when the gradient of `x` is not needed — the normalization is the model's first layer, as in
 * the seed's BN-MLP — the parameter gradients need no `dY₀ = dZ·Wᵀ` (an `[n, N]·[N, C]` matmul) and no
 * normalization backward over `[n, C]`: from `M = x̂ᵀ·dZ` (one matmul, the one `dW` needs anyway),
 * `dW = γ·M + β⊗Σ dZ`, `dγ = Σ_j W⊙M`, `dβ = W·Σ dZ` (see core's `normalizedDenseParamGradKernel`). When the
 * gradient of `x` IS needed (the pair sits deeper in a model, or someone differentiates w.r.t. the input),
 * the backward pass is exactly the unfused one: `dY₀`, the normalization's backward, `dW = y₀ᵀ·dZ`. Which
 * case applies is known from which gradients tfjs asks for ({@link lazyGradOp}).
 *
 * Check {@link normalizedDenseAvailable} first. `x` `[n, C]` float32, `kernel` `[C, N]`, `bias` `[N]`. When
 * `intermediates` is given, a copy of the normalization's output `y₀` is pushed there (the caller's).
 */
export function normalizedDenseForward(
  x: Tensor,
  norm: BatchNormRowsOptions,
  kernel: Tensor,
  bias: Tensor | undefined,
  activation: AffineActivation,
  intermediates?: Tensor[],
): Tensor {
  registerGradients();
  const { gamma, beta } = norm;
  const inputs: Partial<Record<Input, Tensor>> = { x };
  if (gamma !== undefined) inputs.gamma = gamma;
  if (beta !== undefined) inputs.beta = beta;
  inputs.kernel = kernel;
  if (bias !== undefined) inputs.bias = bias;
  let xIsTransposed = false;
  const out = lazyGradOp(
    inputs as Record<Input, Tensor>,
    (save) => {
      const { y: y0, mean, inv } = batchNormTrainRows(x, norm);
      // A probe's copy of the normalization's output (off the tape: the forward runs with recording off).
      if (intermediates !== undefined) intermediates.push(tf.keep(tf.clone(y0)));
      const f = affineForward(y0, kernel, bias, activation);
      xIsTransposed = f.xIsTransposed;
      save([
        x,
        mean,
        inv,
        f.saveX,
        kernel,
        f.y,
        ...(gamma === undefined ? [] : [gamma]),
        ...(beta === undefined ? [] : [beta]),
      ]);
      return f.y;
    },
    (dy, saved) => {
      const [sx, mean, inv, y0Saved, w, y] = saved as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
      const sg = gamma === undefined ? undefined : saved[6];
      const sb = beta === undefined ? undefined : saved[gamma === undefined ? 6 : 7];
      const { dz, db } = affineGradParts(activation, dy, y);
      // The unfused backward: dY₀ = dZ·Wᵀ, then the normalization's backward → [dx, dγ, dβ] (or [dγ, dβ]).
      const unfused = (inputGrad: boolean): Tensor[] =>
        runHostKernel(
          batchNormGradKernel,
          { dy: affineInputGrad(dz, w), x: sx, mean, inv, gamma: sg },
          { inputGrad },
        );
      // Without dx: M = x̂ᵀ·dZ → [dW, dγ, dβ].
      const fused = (): Tensor[] => {
        // On wasm with SIMD, x̂ row-major and a GEMM reading it transposed; otherwise x̂ᵀ and tfjs's matMul.
        const m = hostMatMulAvailable()
          ? hostMatMul(runHostKernel(normalizedRowsKernel, { x: sx, mean, inv }, {})[0] as Tensor, dz, {
              transposeA: true,
            })
          : tf.matMul(runHostKernel(normalizedTransposeKernel, { x: sx, mean, inv }, {})[0] as Tensor, dz);
        return runHostKernel(
          normalizedDenseParamGradKernel,
          { m, kernel: w, s: db, gamma: sg, beta: sb },
          {},
        );
      };
      let shared: { mode: Mode; outs: Tensor[] } | undefined;
      const run = (mode: Mode): Tensor[] => (mode === 'fused' ? fused() : unfused(mode === 'unfused'));
      // dγ and dβ: outputs 1 and 2 of `fused` and `unfused`, 0 and 1 of `unfusedNoDx`.
      const param = (which: 0 | 1): Tensor => {
        if (shared === undefined) return run('fused')[1 + which] as Tensor;
        return shared.outs[(shared.mode === 'unfusedNoDx' ? 0 : 1) + which] as Tensor;
      };
      return {
        // tfjs asks for `x` first when it needs it: then everything comes from the unfused backward.
        prepare: (first: Input) => {
          const mode: Mode = first === 'x' ? 'unfused' : fuseWithoutInputGrad(sx.shape[0] as number);
          shared = { mode, outs: run(mode) };
        },
        grads: {
          x: () => (shared?.mode === 'unfused' ? shared.outs[0] : run('unfused')[0]) as Tensor,
          gamma: () => param(0),
          beta: () => param(1),
          kernel: () =>
            shared?.mode === 'fused'
              ? (shared.outs[0] as Tensor)
              : affineKernelGrad(dz, y0Saved, xIsTransposed),
          bias: () => db,
        },
      };
    },
  );
  // A softmax output layer's probabilities are marked for the exact cross-entropy (core's markSoftmaxOutput).
  return activation === 'softmax' ? markSoftmaxOutput(out) : out;
}
