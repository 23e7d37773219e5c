import { RandomStream, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { expect } from 'vitest';
import fixture from '../fixtures/conv-keras.json' with { type: 'json' };
import type { Layer } from '../layer.js';

/** One case of `fixtures/conv-keras.json` (written by tooling/fixtures/nn-conv-keras.py, Keras 3). */
export type KerasConvCase = (typeof fixture.cases)[number];

/** The cases of one steadygrad class. */
export function kerasCases(className: string): KerasConvCase[] {
  const cases = fixture.cases.filter((c) => c.className === className);
  if (cases.length === 0) throw new Error(`no Keras cases for ${className}`);
  return cases;
}

function expectClose(name: string, got: ArrayLike<number>, want: readonly number[], tol: number): void {
  expect(got.length, `${name}: length`).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const e = Math.abs((got[i] as number) - (want[i] as number));
    if (e > worst) {
      worst = e;
      at = i;
    }
  }
  expect(worst, `${name}: max |error| at ${at} (got ${got[at]}, Keras ${want[at]})`).toBeLessThanOrEqual(tol);
}

/**
 * Builds `layer` for the case's input, loads the case's Keras weights into it, and checks the forward
 * output and the gradients of `sum(y · g)` with respect to the input and every weight against Keras 3,
 * within `tol` (absolute), and that nothing leaks.
 */
export function checkAgainstKeras(c: KerasConvCase, layer: Layer, tol = 1e-5): void {
  registerGradients();
  const before = tf.memory().numTensors;
  layer.build([null, ...c.xShape.slice(1)], new RandomStream(0));
  expect(layer.parameters.map((p) => p.shape)).toEqual(c.weights.map((w) => w.shape));
  layer.parameters.forEach((p, i) => {
    const w = c.weights[i] as KerasConvCase['weights'][number];
    const t = tf.tensor(w.values, w.shape);
    p.assign(t);
    t.dispose();
  });
  expect(layer.computeOutputShape([null, ...c.xShape.slice(1)])).toEqual([null, ...c.yShape.slice(1)]);
  const x0 = tf.tensor(c.x, c.xShape);
  const x = tf.variable(x0);
  x0.dispose();
  const g = tf.tensor(c.g, c.yShape);
  const y = layer.apply(x);
  expect(y.shape).toEqual(c.yShape);
  expectClose(`${c.name}: y`, y.dataSync(), c.y, tol);
  const vars = [x, ...layer.parameters.map((p) => p.variable)];
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(layer.apply(x, { training: true }), g)),
    vars,
  );
  expectClose(`${c.name}: dx`, (grads[x.name] as Tensor).dataSync(), c.dx, tol);
  layer.parameters.forEach((p, i) => {
    expectClose(
      `${c.name}: d ${p.name}`,
      (grads[p.variable.name] as Tensor).dataSync(),
      c.dWeights[i] as number[],
      tol,
    );
  });
  tf.dispose([value, y, g, x, ...Object.values(grads)]);
  layer.dispose();
  expect(tf.memory().numTensors).toBe(before);
}
