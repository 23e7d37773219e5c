import { isSteadygradError, type SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { type CallContext, Dense, type DenseOptions, Layer, Sequential } from '@steadygrad/nn';

/** The trainer tests' model: a 2-8-3 ReLU/softmax MLP (`options.hidden` overrides the hidden layer's options). */
export function mlp(seed = 1, options: { hidden?: Partial<DenseOptions> } = {}): Sequential {
  return new Sequential(
    [
      new Dense({ units: 8, activation: 'relu', inputShape: [2], ...options.hidden }),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
    { seed },
  );
}

/** Every parameter's values, as plain arrays (for bit-identity assertions). */
export function weightsOf(model: Sequential): number[][] {
  return model.parameters.map((p) => Array.from(p.variable.dataSync()));
}

/** The `SteadygradError` a promise rejects with (or a function throws); anything else fails the test. */
export async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<SteadygradError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (isSteadygradError(e)) return e;
    throw e;
  }
  throw new Error('expected a SteadygradError');
}

/** Multiplicative Gaussian noise in training (like GaussianDropout): draws from the stream `fit` passes. */
export class NoiseLayer extends Layer {
  readonly className = 'NoiseLayer';
  draws = 0;
  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training) return tf.clone(x);
    if (ctx.rng === undefined) throw new Error('fit must pass a random stream to layers');
    this.draws++;
    const noise = ctx.rng.fillNormal(x.size, 1, 0.3);
    return tf.tidy(() => tf.mul(x, tf.tensor(noise, x.shape)));
  }
}
