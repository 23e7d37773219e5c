import { type Activation, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { expect } from 'vitest';
import fixture from '../fixtures/torch.json' with { type: 'json' };

export { fixture };

/** Float32 against float64 PyTorch: |ours − ref| <= ATOL + RTOL·|ref|. */
export const RTOL = 1e-5;
export const ATOL = 1e-6;

export interface Tolerance {
  readonly rtol?: number;
  readonly atol?: number;
}

/** Asserts element-wise closeness (and finiteness), reporting every offending index. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: readonly number[],
  label: string,
  tolerance: Tolerance = {},
  inputs?: readonly number[],
): void {
  const { rtol = RTOL, atol = ATOL } = tolerance;
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!Number.isFinite(a) || Math.abs(a - e) > atol + rtol * Math.abs(e)) {
      bad.push(`[${i}]${inputs ? ` x=${inputs[i]}` : ''}: got ${a}, expected ${e}`);
    }
  }
  expect(bad, label).toEqual([]);
}

/** The element-wise fixture entry for a Keras name and config. */
export function torchCase(name: string, config: Record<string, unknown> = {}) {
  const found = fixture.elementwise.find(
    (e) => e.name === name && JSON.stringify(e.config) === JSON.stringify(config),
  );
  if (found === undefined) throw new Error(`no fixture for ${name} ${JSON.stringify(config)}`);
  return found;
}

/** Value and d/dx of sum(f(x)) as float32 arrays; asserts no tensor leaked. */
export function valueAndGrad(fn: (x: Tensor) => Tensor, xs: readonly number[]) {
  registerGradients();
  const before = tf.memory().numTensors;
  const x = tf.tensor1d(xs as number[], 'float32');
  const { value, grad } = tf.tidy(() => tf.valueAndGrad((t: Tensor) => tf.sum(fn(t)))(x));
  const y = tf.tidy(() => fn(x));
  const out = { sum: value.dataSync()[0] as number, value: y.dataSync(), grad: grad.dataSync() };
  tf.dispose([x, value, grad, y]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

/** Asserts an activation matches the PyTorch fixture in value and gradient on the whole grid. */
export function expectMatchesTorch(
  activation: Activation | ((x: Tensor) => Tensor),
  name: string,
  config: Record<string, unknown> = {},
  tolerance: Tolerance = {},
): void {
  const ref = torchCase(name, config);
  const fn = typeof activation === 'function' ? activation : (x: Tensor) => activation.apply(x);
  const { value, grad } = valueAndGrad(fn, ref.x);
  expectClose(value, ref.value, `${name} ${JSON.stringify(config)} value`, tolerance, ref.x);
  expectClose(grad, ref.grad, `${name} ${JSON.stringify(config)} gradient`, tolerance, ref.x);
}

/**
 * Central finite differences of an element-wise function in float32, `(f(x+h) − f(x−h)) / 2h`, next to
 * the autodiff gradient. Use points at least `h` away from kinks.
 */
export function finiteDifferenceCheck(
  activation: Activation,
  xs: readonly number[],
  h = 1e-2,
): { numeric: number[]; analytic: ArrayLike<number> } {
  const f = (v: readonly number[]) => {
    const y = tf.tidy(() => activation.apply(tf.tensor1d(v as number[], 'float32')));
    const data = y.dataSync();
    y.dispose();
    return data;
  };
  const plus = f(xs.map((v) => v + h));
  const minus = f(xs.map((v) => v - h));
  const numeric = xs.map((_, i) => ((plus[i] as number) - (minus[i] as number)) / (2 * h));
  const { grad } = valueAndGrad((x) => activation.apply(x), xs);
  return { numeric, analytic: grad };
}

/** Points for finite-difference checks: smooth regions of every activation (away from 0, ±3, 6). */
export const SMOOTH_POINTS: readonly number[] = [-5, -2.2, -1.3, -0.7, -0.25, 0.3, 0.8, 1.7, 2.4, 4.5];
