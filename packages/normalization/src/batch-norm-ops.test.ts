import { RandomStream, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BatchNormTrainingOptions,
  batchNormInference,
  batchNormTraining,
  batchNormTrainingOps,
  batchNormTrainingReference,
} from './batch-norm-ops.js';
import { expectClose } from './test-utils/close.js';

beforeAll(() => {
  registerGradients();
});

/** A variable holding `initial`'s value; `initial` is disposed (tf.variable would otherwise leave it alive). */
function variableOf(initial: Tensor, trainable = true): tf.Variable {
  const v = tf.variable(initial, trainable);
  initial.dispose();
  return v;
}

interface Setup {
  readonly shape: number[];
  readonly axis: number;
  readonly scale: boolean;
  readonly center: boolean;
}

/** Values and gradients of L = Σ y·dy w.r.t. x, γ, β, plus the moving statistics after one step. */
function evaluate(
  impl: typeof batchNormTraining,
  setup: Setup,
  seed: number,
): {
  y: Float32Array;
  dx: Float32Array;
  dg?: Float32Array;
  db?: Float32Array;
  mm: Float32Array;
  mv: Float32Array;
} {
  const rng = new RandomStream(seed);
  const size = setup.shape.reduce((a, b) => a * b, 1);
  const c = setup.shape[setup.axis] as number;
  // Typed arrays never come back out of tf.tidy (it would walk them); tensors are disposed explicitly.
  {
    const x = tf.tensor(Array.from(rng.fillNormal(size, 0.7, 1.9)), setup.shape);
    const dy = tf.tensor(Array.from(rng.fillNormal(size, 0, 1)), setup.shape);
    const gamma = tf.tensor1d(Array.from(rng.fillUniform(c, 0.5, 1.5)));
    const beta = tf.tensor1d(Array.from(rng.fillNormal(c, 0, 0.5)));
    const mean = variableOf(tf.tensor1d(Array.from(rng.fillNormal(c, 0, 0.3))), false);
    const variance = variableOf(tf.tensor1d(Array.from(rng.fillUniform(c, 0.5, 2))), false);
    const moving = { mean, variance, momentum: 0.9 };
    // Differentiate only w.r.t. the inputs that are used (tfjs rejects unused ones).
    const inputs: Tensor[] = [x];
    if (setup.scale) inputs.push(gamma);
    if (setup.center) inputs.push(beta);
    let y: Float32Array | undefined;
    const grads = tf.grads((...args: Tensor[]) => {
      const opts: BatchNormTrainingOptions = {
        axis: setup.axis,
        epsilon: 1e-3,
        gamma: setup.scale ? args[1] : undefined,
        beta: setup.center ? args[setup.scale ? 2 : 1] : undefined,
        moving,
      };
      const out = impl(args[0] as Tensor, opts);
      y = out.dataSync() as Float32Array;
      return tf.sum(tf.mul(out, dy));
    })(inputs);
    const out = {
      y: y!,
      dx: grads[0]!.dataSync() as Float32Array,
      dg: setup.scale ? (grads[1]!.dataSync() as Float32Array) : undefined,
      db: setup.center ? (grads[setup.scale ? 2 : 1]!.dataSync() as Float32Array) : undefined,
      mm: mean.dataSync() as Float32Array,
      mv: variance.dataSync() as Float32Array,
    };
    tf.dispose([x, dy, gamma, beta, mean, variance, ...grads]);
    return out;
  }
}

const setups: Setup[] = [
  { shape: [1, 5], axis: 1, scale: true, center: true },
  { shape: [2, 7], axis: 1, scale: true, center: true },
  { shape: [32, 6], axis: 1, scale: true, center: true },
  { shape: [16, 5], axis: 1, scale: false, center: true },
  { shape: [16, 5], axis: 1, scale: true, center: false },
  { shape: [16, 5], axis: 1, scale: false, center: false },
  { shape: [4, 3, 2, 5], axis: 3, scale: true, center: true },
  { shape: [3, 4, 2, 2], axis: 1, scale: true, center: true },
  { shape: [2, 3, 4], axis: 2, scale: true, center: true },
];

describe('fused batch normalization (host kernels and op composition) equals the autodiff reference', () => {
  for (const [name, impl] of [
    ['batchNormTraining', batchNormTraining],
    ['batchNormTrainingOps', batchNormTrainingOps],
  ] as const)
    for (const setup of setups) {
      it(`${name}: shape [${setup.shape}], axis ${setup.axis}, scale ${setup.scale}, center ${setup.center}`, () => {
        const before = tf.memory().numTensors;
        const f = evaluate(impl, setup, 11);
        const r = evaluate(batchNormTrainingReference, setup, 11);
        const tol = { atol: 1e-5, rtol: 1e-5 };
        expectClose('y', f.y, r.y, tol);
        expectClose('dx', f.dx, r.dx, tol);
        if (setup.scale) expectClose('dgamma', f.dg!, r.dg!, { atol: 2e-5, rtol: 1e-5 });
        if (setup.center) expectClose('dbeta', f.db!, r.db!, { atol: 2e-5, rtol: 1e-5 });
        expectClose('moving mean', f.mm, r.mm, { atol: 1e-7, rtol: 1e-6 });
        expectClose('moving variance', f.mv, r.mv, { atol: 1e-7, rtol: 1e-6 });
        expect(tf.memory().numTensors).toBe(before);
      });
    }
});

/** Training-mode BN in float64 plain JS for [n, C] inputs: Σ y·dy. */
function lossF64(
  x: number[],
  g: number[],
  b: number[],
  dy: number[],
  n: number,
  c: number,
  eps: number,
): number {
  let loss = 0;
  for (let j = 0; j < c; j++) {
    let mu = 0;
    for (let i = 0; i < n; i++) mu += x[i * c + j]!;
    mu /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[i * c + j]! - mu) ** 2;
    v /= n;
    for (let i = 0; i < n; i++) {
      const y = (g[j]! * (x[i * c + j]! - mu)) / Math.sqrt(v + eps) + b[j]!;
      loss += y * dy[i * c + j]!;
    }
  }
  return loss;
}

describe('finite-difference gradient check (float64 central differences)', () => {
  for (const [name, impl] of [
    ['batchNormTraining', batchNormTraining],
    ['batchNormTrainingOps', batchNormTrainingOps],
  ] as const)
    it(`${name}: dx, dγ and dβ match central differences of a float64 forward`, () => {
      const n = 6;
      const c = 3;
      const rng = new RandomStream(5);
      const x = Array.from(rng.fillNormal(n * c, 0.5, 1.5));
      const dy = Array.from(rng.fillNormal(n * c, 0, 1));
      const g = Array.from(rng.fillUniform(c, 0.5, 1.5));
      const b = Array.from(rng.fillNormal(c, 0, 0.5));
      // Use the float32-rounded values on both sides.
      const f32 = (a: number[]) => Array.from(Float32Array.from(a));
      const [xs, dys, gs, bs] = [f32(x), f32(dy), f32(g), f32(b)];
      const eps = 1e-3;
      const h = 1e-6;
      const fd = (which: 'x' | 'g' | 'b', k: number) => {
        const plus = { x: [...xs], g: [...gs], b: [...bs] };
        const minus = { x: [...xs], g: [...gs], b: [...bs] };
        plus[which][k]! += h;
        minus[which][k]! -= h;
        return (
          (lossF64(plus.x, plus.g, plus.b, dys, n, c, eps) -
            lossF64(minus.x, minus.g, minus.b, dys, n, c, eps)) /
          (2 * h)
        );
      };
      const before = tf.memory().numTensors;
      const inputs = [tf.tensor2d(xs, [n, c]), tf.tensor1d(gs), tf.tensor1d(bs)];
      const dyT = tf.tensor2d(dys, [n, c]);
      const grads = tf.grads((xx: Tensor, gg: Tensor, bb: Tensor) =>
        tf.sum(tf.mul(impl(xx, { axis: 1, epsilon: eps, gamma: gg, beta: bb }), dyT)),
      )(inputs);
      const [dx, dg, db] = grads.map((t) => t.dataSync() as Float32Array);
      tf.dispose([...inputs, dyT, ...grads]);
      expect(tf.memory().numTensors).toBe(before);
      expectClose(
        'dx',
        dx!,
        xs.map((_, k) => fd('x', k)),
        { atol: 2e-5, rtol: 1e-4 },
      );
      expectClose(
        'dgamma',
        dg!,
        gs.map((_, k) => fd('g', k)),
        { atol: 2e-5, rtol: 1e-4 },
      );
      expectClose(
        'dbeta',
        db!,
        bs.map((_, k) => fd('b', k)),
        { atol: 2e-5, rtol: 1e-4 },
      );
    });
});

describe('memory, determinism and kernel count', () => {
  it('runs many training steps inside tf.variableGrads without leaking a tensor', () => {
    const rng = new RandomStream(9);
    const gamma = variableOf(tf.ones([4]));
    const beta = variableOf(tf.zeros([4]));
    const mean = variableOf(tf.zeros([4]), false);
    const variance = variableOf(tf.ones([4]), false);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 60; step++) {
      tf.tidy(() => {
        const x = tf.tensor2d(Array.from(rng.fillNormal(8 * 4, 2, 3)), [8, 4]);
        const { value, grads } = tf.variableGrads(() =>
          tf.mean(
            tf.square(
              batchNormTraining(x, {
                axis: 1,
                epsilon: 1e-3,
                gamma,
                beta,
                moving: { mean, variance, momentum: 0.9 },
              }),
            ),
          ),
        );
        // Only γ and β are trainable: the moving statistics get no gradient.
        expect(Object.keys(grads).sort()).toEqual([beta.name, gamma.name].sort());
        gamma.assign(tf.sub(gamma, tf.mul(grads[gamma.name]!, 0.1)));
        beta.assign(tf.sub(beta, tf.mul(grads[beta.name]!, 0.1)));
        return value;
      }).dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    // The moving statistics converged toward the data's (mean 2, variance 9 · 7/8 for n = 8, biased).
    const mm = mean.dataSync();
    for (const v of mm) expect(Math.abs(v - 2)).toBeLessThan(1);
    tf.dispose([gamma, beta, mean, variance]);
  });

  it('replaying the same seeded inputs gives bit-identical moving statistics', () => {
    const run = (): number[] => {
      const rng = new RandomStream(42);
      const mean = variableOf(tf.zeros([3]), false);
      const variance = variableOf(tf.ones([3]), false);
      for (let step = 0; step < 20; step++) {
        tf.tidy(() => {
          const x = tf.tensor2d(Array.from(rng.fillNormal(5 * 3, 1, 2)), [5, 3]);
          batchNormTraining(x, { axis: 1, epsilon: 1e-3, moving: { mean, variance, momentum: 0.99 } });
        });
      }
      const out = [...Array.from(mean.dataSync()), ...Array.from(variance.dataSync())];
      tf.dispose([mean, variance]);
      return out;
    };
    const a = run();
    const b = run();
    expect(b).toEqual(a);
    expect(a.some((v, i) => (i < 3 ? v !== 0 : v !== 1))).toBe(true);
  });

  it('the op composition runs far fewer kernels than the autodiff composition (forward + backward)', async () => {
    const x = tf.randomNormal([32, 20], 0, 1, 'float32', 1);
    const gamma = tf.ones([20]);
    const beta = tf.zeros([20]);
    const count = async (impl: typeof batchNormTraining) => {
      const info = await tf.profile(() => {
        const g = tf.grads((xx: Tensor, gg: Tensor, bb: Tensor) =>
          tf.sum(impl(xx, { axis: 1, epsilon: 1e-3, gamma: gg, beta: bb })),
        )([x, gamma, beta]);
        tf.dispose(g);
      });
      return info.kernels.filter((k) => tf.util.sizeFromShape(k.outputShapes[0] ?? []) >= 32 * 20).length;
    };
    const fused = await count(batchNormTrainingOps);
    const reference = await count(batchNormTrainingReference);
    // Full-size ([32, 20]) kernels only; the rest act on [20]-vectors.
    expect(fused).toBeLessThanOrEqual(13);
    expect(reference).toBeGreaterThan(fused);
    tf.dispose([x, gamma, beta]);
  });
});

describe('inference-mode batch normalization', () => {
  it('uses the given statistics: y = γ(x − μ)/√(σ² + ε) + β', () => {
    const before = tf.memory().numTensors;
    const yT = tf.tidy(() =>
      batchNormInference(tf.tensor2d([[1, 2]]), {
        axis: 1,
        epsilon: 0.25,
        gamma: tf.tensor1d([2, 3]),
        beta: tf.tensor1d([0.5, -1]),
        mean: tf.tensor1d([0, 1]),
        variance: tf.tensor1d([0.75, 3.75]),
      }),
    );
    expectClose('y', yT.dataSync(), [2 * 1 + 0.5, (3 * 1) / 2 - 1], { atol: 1e-6 });
    yT.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
