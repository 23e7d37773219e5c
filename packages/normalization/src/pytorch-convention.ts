import { checkNumber, checkOptions, optionKeys, SteadygradError } from '@steadygrad/core';

/**
 * PyTorch's batch-norm hyperparameters (`torch.nn.BatchNorm1d/2d(num_features, eps=1e-5, momentum=0.1)`).
 * PyTorch's `momentum` weighs the NEW batch: `running ← (1 − p)·running + p·batch`.
 */
export interface PyTorchBatchNormOptions {
  /** PyTorch momentum p ∈ (0, 1], the weight of the NEW batch (default 0.1). */
  readonly momentum?: number;
  /** Default 1e-5. */
  readonly eps?: number;
}

const KEYS = optionKeys<PyTorchBatchNormOptions>()(['momentum', 'eps']);

/** The Keras-convention equivalents, ready to spread into `new BatchNormalization({ ... })`. */
export interface KerasBatchNormOptions {
  /** Keras momentum m in [0, 1) weighting the OLD moving value: `moving ← m·moving + (1 − m)·batch`. */
  readonly momentum: number;
  readonly epsilon: number;
}

/**
 * Converts PyTorch batch-norm hyperparameters to ours: `momentum = 1 − p`, `epsilon = eps`.
 * `fromPyTorchBatchNorm()` (PyTorch's defaults) gives `{ momentum: 0.9, epsilon: 1e-5 }`.
 *
 * What it cannot convert: PyTorch keeps the UNBIASED batch variance `σ²_B·n/(n − 1)` in `running_var`, we (like
 * Keras) keep the biased `σ²_B`. The normalization during training is the same (both use the biased
 * variance); only the running/moving variance differs, by the factor n/(n − 1) per batch of n values per
 * feature — use {@link unbiasedToBiasedVariance} to bring a PyTorch running variance over (exact for a
 * converged average of same-size batches). PyTorch's `momentum=None` (cumulative average) has no Keras
 * equivalent and is rejected.
 */
export function fromPyTorchBatchNorm(options: PyTorchBatchNormOptions = {}): KerasBatchNormOptions {
  checkOptions('fromPyTorchBatchNorm', options, KEYS);
  const { momentum = 0.1, eps = 1e-5 } = options;
  if (momentum === null) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'PyTorch momentum=None (cumulative moving average) has no Keras equivalent; expected a number in (0, 1]',
    );
  }
  const p = checkNumber('PyTorch batch-norm momentum', momentum, { above: 0, max: 1 });
  const epsilon = checkNumber('PyTorch batch-norm eps', eps, { min: 0 });
  return { momentum: 1 - p, epsilon };
}

/**
 * Converts our (Keras) batch-norm hyperparameters to PyTorch's: `momentum = 1 − m`, `eps = epsilon`.
 * `toPyTorchBatchNorm()` (Keras defaults m = 0.99, ε = 1e-3) gives `{ momentum: 0.01, eps: 1e-3 }`.
 * See {@link fromPyTorchBatchNorm} for the running-variance difference.
 */
export function toPyTorchBatchNorm(
  options: { readonly momentum?: number; readonly epsilon?: number } = {},
): Required<PyTorchBatchNormOptions> {
  const { momentum = 0.99, epsilon = 1e-3 } = options;
  const m = checkNumber('BatchNormalization momentum', momentum, { min: 0, below: 1 });
  const eps = checkNumber('BatchNormalization epsilon', epsilon, { min: 0 });
  return { momentum: 1 - m, eps };
}

/**
 * `v·(n − 1)/n`: the biased (divisor n, Keras) variance from an unbiased (divisor n − 1, PyTorch
 * `running_var`) one, where n is the number of values each feature's batch statistics average over (batch
 * size × spatial size). n must be an integer ≥ 2.
 */
export function unbiasedToBiasedVariance(variance: number, n: number): number {
  checkNumber('n (values per feature in a batch)', n, { integer: true, min: 2 });
  return (variance * (n - 1)) / n;
}

/** `v·n/(n − 1)`: the inverse of {@link unbiasedToBiasedVariance} (Keras moving variance → PyTorch's). */
export function biasedToUnbiasedVariance(variance: number, n: number): number {
  checkNumber('n (values per feature in a batch)', n, { integer: true, min: 2 });
  return (variance * n) / (n - 1);
}
