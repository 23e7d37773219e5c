// Test helpers: load the reference fixtures and replay their gradient sequences through an optimizer.
import { readFileSync } from 'node:fs';
import {
  type GradientTransformation,
  type Parameter,
  type ScalarOrSchedule,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { adagrad } from '../adagrad.js';
import { adam } from '../adam.js';
import { adamax } from '../adamax.js';
import { adamw } from '../adamw.js';
import { nadam } from '../nadam.js';
import { Optimizer } from '../optimizer.js';
import { rmsprop } from '../rmsprop.js';
import { sgd } from '../sgd.js';
import { parameter } from './values.js';

export type Values = Record<string, number[]>;

export interface FixtureCase {
  readonly name: string;
  readonly optimizer: keyof typeof FACTORIES;
  readonly options: Record<string, unknown>;
  readonly torch?: string;
  readonly trajectory: Values[];
}

interface TorchFixture {
  readonly steps: number;
  readonly shapes: Record<string, number[]>;
  readonly params: Values;
  readonly grads: Values[];
  readonly cases: FixtureCase[];
}

function load<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8')) as T;
}

export const torchFixture = load<TorchFixture>('torch.json');
export const kerasFixture = load<{ cases: FixtureCase[] }>('keras.json');

export const FACTORIES = { sgd, adagrad, rmsprop, adam, adamax, nadam, adamw } as const;

/** JSON schedule descriptions of the fixtures → steadygrad learning rates. */
export function learningRateFrom(lr: unknown): ScalarOrSchedule {
  if (typeof lr === 'number') return lr;
  const o = lr as { exponential?: [number, number]; piecewise?: { boundaries: number[]; values: number[] } };
  if (o.exponential) {
    const [a, r] = o.exponential;
    return (t) => a * r ** t;
  }
  if (o.piecewise) {
    const { boundaries, values } = o.piecewise;
    return (t) => values[boundaries.filter((b) => t >= b).length]!;
  }
  throw new Error(`unknown schedule ${JSON.stringify(lr)}`);
}

/** The transformation a fixture case describes. */
export function transformOf(c: FixtureCase): GradientTransformation<unknown> {
  const options = { ...c.options };
  if (options.learningRate !== undefined) options.learningRate = learningRateFrom(options.learningRate);
  return (FACTORIES[c.optimizer] as (o: Record<string, unknown>) => GradientTransformation<unknown>)(options);
}

/** Fresh parameters holding the fixture's initial values. */
export function fixtureParameters(): Parameter[] {
  return Object.entries(torchFixture.shapes).map(([name, shape]) =>
    parameter(name, torchFixture.params[name]!, shape),
  );
}

/** The fixture's gradients at `step`, as tensors the caller disposes. */
export function fixtureGrads(step: number): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, shape] of Object.entries(torchFixture.shapes))
    out[name] = tf.tensor(torchFixture.grads[step]![name]!, shape);
  return out;
}

export function readValues(params: readonly Parameter[]): Values {
  const out: Values = {};
  for (const p of params) out[p.name] = Array.from(p.variable.dataSync());
  return out;
}

/**
 * Replays the fixture's gradients through `optimizer` for `steps` steps (optionally calling `before(step)`)
 * and returns the parameter values after each step. Checks that no tensor leaks per step.
 */
export function replay(
  optimizer: Optimizer,
  params: readonly Parameter[],
  steps: number,
  from = 0,
  before?: (step: number) => void,
): Values[] {
  const out: Values[] = [];
  let tensorsAfterFirst = -1;
  for (let t = from; t < from + steps; t++) {
    before?.(t);
    const grads = fixtureGrads(t);
    optimizer.step(params, grads);
    tf.dispose(grads);
    if (tensorsAfterFirst < 0) tensorsAfterFirst = tf.memory().numTensors;
    else if (tf.memory().numTensors !== tensorsAfterFirst) {
      throw new Error(
        `tensor leak: ${tf.memory().numTensors} tensors at step ${t}, ${tensorsAfterFirst} after the first step`,
      );
    }
    out.push(readValues(params));
  }
  return out;
}

/** Relative error ‖a − b‖∞ / ‖b‖∞. */
export function relError(actual: readonly number[], expected: readonly number[]): number {
  let num = 0;
  let den = 0;
  expected.forEach((e, i) => {
    num = Math.max(num, Math.abs(actual[i]! - e));
    den = Math.max(den, Math.abs(e));
  });
  return num / den;
}

/** Largest relative error over the steps and parameters of two trajectories. */
export function trajectoryError(actual: readonly Values[], expected: readonly Values[]): number {
  let worst = 0;
  expected.forEach((step, t) => {
    for (const [name, values] of Object.entries(step))
      worst = Math.max(worst, relError(actual[t]![name]!, values));
  });
  return worst;
}

/** Runs a fixture case from scratch; returns the worst relative error against its trajectory. */
export function caseError(c: FixtureCase): number {
  const before = tf.memory().numTensors;
  const params = fixtureParameters();
  const optimizer = new Optimizer(transformOf(c));
  const traj = replay(optimizer, params, c.trajectory.length);
  optimizer.dispose();
  for (const p of params) p.dispose();
  if (tf.memory().numTensors !== before)
    throw new Error(`case ${c.name} leaked ${tf.memory().numTensors - before} tensors`);
  return trajectoryError(traj, c.trajectory);
}

/** All fixture cases (torch and keras) that use the named optimizer. */
export function casesOf(optimizer: string): { source: string; c: FixtureCase }[] {
  return [
    ...torchFixture.cases
      .filter((c) => c.optimizer === optimizer && !c.name.endsWith('_torch_form'))
      .map((c) => ({ source: 'torch', c })),
    ...kerasFixture.cases.filter((c) => c.optimizer === optimizer).map((c) => ({ source: 'keras', c })),
  ];
}
