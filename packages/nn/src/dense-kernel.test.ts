import { linear, relu, sigmoid, softmax, tanh } from '@steadygrad/activations';
import {
  type Activation,
  NativeTensorflow,
  RandomStream,
  registerGradients,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { denseForward, denseReference, type FusedActivation } from '@steadygrad/core/kernels';
import { beforeAll, describe, expect, it, vi } from 'vitest';

const CASES: readonly [string, Activation, FusedActivation, Activation | undefined][] = [
  ['linear', linear, 'linear', undefined],
  ['relu', relu, 'relu', undefined],
  ['sigmoid', sigmoid, 'linear', sigmoid],
  ['tanh', tanh, 'linear', tanh],
  ['softmax', softmax(), 'linear', softmax()],
];

function randomTensor(rng: RandomStream, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.fillNormal(n), shape);
}

/** Values and gradients (w.r.t. x, W, b) of sum(f(x, W, b) ⊙ r). */
function valueAndGrads(
  f: (x: Tensor, w: Tensor, b: Tensor | undefined) => Tensor,
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  r: Tensor,
): { y: Float32Array; grads: Float32Array[] } {
  const y = tf.tidy(() => f(x, w, b));
  const yv = y.dataSync() as Float32Array;
  y.dispose();
  const inputs = b === undefined ? [x, w] : [x, w, b];
  const grads = tf.grads((...args: Tensor[]) => tf.sum(tf.mul(f(args[0]!, args[1]!, args[2]), r)))(inputs);
  const gv = grads.map((g) => g.dataSync() as Float32Array);
  tf.dispose(grads);
  return { y: yv, grads: gv };
}

function expectClose(a: Float32Array, b: Float32Array, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(b[i] as number)),
    );
  }
}

describe('denseForward (fused matmul + hand-written backward) against the plain autodiff reference', () => {
  beforeAll(() => registerGradients());

  for (const [name, activation, fused, post] of CASES) {
    for (const withBias of [true, false]) {
      it(`${name}, ${withBias ? 'with' : 'without'} bias: equal values and gradients (float32 precision)`, () => {
        const rng = new RandomStream(7);
        const x = randomTensor(rng, [6, 5]);
        const w = randomTensor(rng, [5, 4]);
        const b = withBias ? randomTensor(rng, [4]) : undefined;
        const r = randomTensor(rng, [6, 4]);
        const before = tf.memory().numTensors;
        const fast = valueAndGrads((xx, ww, bb) => denseForward(xx, ww, bb, fused, post), x, w, b, r);
        const ref = valueAndGrads((xx, ww, bb) => denseReference(xx, ww, bb, activation), x, w, b, r);
        expect(tf.memory().numTensors).toBe(before);
        expectClose(fast.y, ref.y, 1e-6);
        expect(fast.grads.length).toBe(withBias ? 3 : 2);
        fast.grads.forEach((g, i) => {
          expectClose(g, ref.grads[i] as Float32Array, 1e-5);
        });
        // Not trivially zero: the check compares real gradients.
        expect(fast.grads.every((g) => g.some((v) => v !== 0))).toBe(true);
        tf.dispose([x, w, r]);
        if (b) b.dispose();
      });
    }
  }

  it("relu uses relu'(0) = 0, like tfjs", () => {
    const x = tf.tensor2d([[1, -1]]);
    const w = tf.tensor2d([[1], [1]]); // z = 0 exactly
    const b = tf.zeros([1]);
    const [gx, gw, gb] = tf.grads((a: Tensor, c: Tensor, d: Tensor) =>
      tf.sum(denseForward(a, c, d, 'relu', undefined)),
    )([x, w, b]);
    expect(Array.from(gx!.dataSync())).toEqual([0, 0]);
    expect(Array.from(gw!.dataSync())).toEqual([0, 0]);
    expect(Array.from(gb!.dataSync())).toEqual([0]);
    tf.dispose([x, w, b, gx!, gw!, gb!]);
  });

  /**
   * Backend-specific: on `tensorflow` (the suite's second pass) the Dense products, bias, relu and their
   * gradients are TensorFlow ops core runs directly (`NativeTensorflow`: BatchMatMulV2 with the transposes as
   * attributes, BiasAdd, Relu, ReluGrad, BiasAddGrad), which `tf.profile` cannot see; they are listed here as
   * `tf:<op>` beside the tfjs kernels. The cpu and wasm backends run tfjs kernels only.
   */
  const onTensorflow = (): boolean => tf.getBackend() === 'tensorflow';
  async function opsOf(f: () => void): Promise<string[]> {
    const spy = vi.spyOn(NativeTensorflow.prototype, 'run');
    try {
      const profile = await tf.profile(f);
      return [...profile.kernels.map((k) => k.name), ...spy.mock.calls.map((c) => `tf:${c[0]}`)];
    } finally {
      spy.mockRestore();
    }
  }
  /** The matrix products among `ops`: tfjs's BatchMatMul kernels, or TensorFlow's on `tensorflow`. */
  const products = (ops: readonly string[]): number =>
    ops.filter((n) => n === (onTensorflow() ? 'tf:BatchMatMulV2' : 'BatchMatMul')).length;

  it('forward is one _FusedMatMul kernel even while recording; backward is 2 explicit transposes + 2 plain matmuls', async () => {
    const rng = new RandomStream(3);
    const x = randomTensor(rng, [4, 3]);
    const w = randomTensor(rng, [3, 2]);
    const b = randomTensor(rng, [2]);
    const names = await opsOf(() => {
      const gs = tf.grads((a: Tensor, c: Tensor, d: Tensor) =>
        tf.sum(denseForward(a, c, d, 'relu', undefined)),
      )([x, w, b]);
      tf.dispose(gs);
    });
    if (onTensorflow()) {
      // Forward: product, BiasAdd, Relu; backward: ReluGrad, BiasAddGrad and 2 products, no transpose.
      expect(products(names)).toBe(3);
      for (const op of ['tf:BiasAdd', 'tf:Relu', 'tf:ReluGrad', 'tf:BiasAddGrad']) {
        expect(names.filter((n) => n === op).length).toBe(1);
      }
      expect(names).not.toContain('Transpose');
      expect(names).not.toContain('_FusedMatMul');
    } else {
      expect(names).toContain('_FusedMatMul');
      expect(products(names)).toBe(2);
      expect(names.filter((n) => n === 'Transpose').length).toBe(2);
    }
    tf.dispose([x, w, b]);
  });

  it('computes dX only when the input needs a gradient (a first layer never does)', async () => {
    const rng = new RandomStream(4);
    const x = randomTensor(rng, [4, 3]);
    const w = tf.variable(randomTensor(rng, [3, 2]));
    const b = tf.variable(randomTensor(rng, [2]));
    const r = randomTensor(rng, [4, 2]);
    const loss = (xx: Tensor) => tf.sum(tf.mul(denseForward(xx, w, b, 'relu', undefined), r)) as tf.Scalar;
    const before = tf.memory().numTensors;
    // Only the parameters: the input gradient is never formed, one matmul (dW) in the backward pass.
    let grads: Record<string, Tensor> = {};
    const onlyParams = await opsOf(() => {
      const out = tf.variableGrads(() => loss(x), [w, b]);
      out.value.dispose();
      grads = out.grads;
    });
    // On `tensorflow` the forward's product is one of them (a TensorFlow op there, a `_FusedMatMul` elsewhere).
    const forwardProducts = onTensorflow() ? 1 : 0;
    expect(products(onlyParams)).toBe(1 + forwardProducts);
    // The same gradients as the reference, which forms every gradient.
    const ref = tf.grads((ww: Tensor, bb: Tensor) => tf.sum(tf.mul(denseReference(x, ww, bb, relu), r)))([
      w,
      b,
    ]);
    expectClose(grads[w.name]!.dataSync() as Float32Array, ref[0]!.dataSync() as Float32Array, 1e-5);
    expectClose(grads[b.name]!.dataSync() as Float32Array, ref[1]!.dataSync() as Float32Array, 1e-5);
    tf.dispose([...Object.values(grads), ...ref]);
    // Asked for the input too (saliency, adversarial examples): dX is formed and correct.
    let dx: Tensor | undefined;
    const withInput = await opsOf(() => {
      dx = tf.grad((xx: Tensor) => loss(xx))(x);
    });
    expect(products(withInput)).toBe(1 + forwardProducts); // dX only: W and b are not asked for here
    const refDx = tf.grad((xx: Tensor) => tf.sum(tf.mul(denseReference(xx, w, b, relu), r)))(x);
    expectClose(dx!.dataSync() as Float32Array, refDx.dataSync() as Float32Array, 1e-5);
    expect(dx!.dataSync().some((v) => v !== 0)).toBe(true);
    tf.dispose([dx!, refDx]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b, r]);
  });
});
