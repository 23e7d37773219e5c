// Shared by the fused sparse categorical kernel tests: the PyTorch fixtures, generated cases (with rows at the
// clipping boundaries), comparison helpers and the record of measured differences.
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { registerGradients, type Tensor, tf } from '@steadygrad/core';
import { afterAll, beforeAll, expect } from 'vitest';
import { EPSILON } from '../losses.js';

/** The PyTorch fixtures of losses.test.ts (float64 reference values) for probabilities with sparse labels. */
export interface FixtureCase {
  name: string;
  options: { loss: string; fromLogits?: boolean };
  yTrue: unknown;
  yTrueShape: number[];
  yPred: unknown;
  yPredShape: number[];
  value: number;
  grad: unknown;
}
export const fixtures = (
  JSON.parse(readFileSync(new URL('../fixtures/losses.json', import.meta.url), 'utf8')) as {
    cases: FixtureCase[];
  }
).cases.filter((c) => c.options.loss === 'sparse_categorical_crossentropy' && c.options.fromLogits !== true);

export function flat(x: unknown): number[] {
  return (Array.isArray(x) ? x.flat(Number.POSITIVE_INFINITY) : [x]) as number[];
}

export const LO = Math.fround(EPSILON);
export const HI = Math.fround(1 - EPSILON);

/** A seeded uniform [0, 1) generator (LCG), the same on every backend. */
export function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface Case {
  readonly name: string;
  readonly n: number;
  readonly k: number;
  readonly p: Float32Array;
  readonly labels: Int32Array;
}

/**
 * `n` rows of `k` unnormalized "probabilities" in [0, 2) (every 4th row normalized), then boundary rows that
 * exercise the clip: a one-hot row labelled at its 1 (p̂ = 1 → clipped to 1 − ε, no gradient) and elsewhere
 * (p̂ = 0 → clipped to ε), a row with exact zeros, and rows whose p̂ at the label is exactly ε or 1 − ε in
 * float32 (the clip's gradient passes on the bounds).
 */
export function makeCase(name: string, n: number, k: number, seed: number, boundaryRows: boolean): Case {
  const rand = uniform(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let r = 0; r < n; r++) {
    const row = Array.from({ length: k }, () => 2 * rand());
    if (r % 4 === 0) {
      const s = row.reduce((a, b) => a + b, 0);
      for (let c = 0; c < k; c++) row[c] = (row[c] as number) / s;
    }
    rows.push(row);
    labels.push(Math.floor(rand() * k));
  }
  if (boundaryRows) {
    const pad = (head: number[]) => [...head, ...new Array<number>(k - head.length).fill(0)];
    rows.push(pad([0, 1]), pad([0, 1]), pad([0.25, 0, 0.75]), pad([HI, 1 - HI]), pad([LO, 0.5, 0.5 - LO]));
    labels.push(1, 0, 0, 0, 0);
  }
  return {
    name,
    n: rows.length,
    k,
    p: Float32Array.from(rows.flat()),
    labels: Int32Array.from(labels),
  };
}

export const CASES: readonly Case[] = [
  makeCase('batch 1, 10 classes', 1, 10, 1, false),
  makeCase('batch 1, 3 classes', 1, 3, 2, false),
  makeCase('batch 256, 10 classes, with clip-boundary rows', 251, 10, 3, true),
  makeCase('batch 256, 3 classes, with clip-boundary rows', 251, 3, 4, true),
  makeCase('batch 32, 3 classes, with clip-boundary rows', 27, 3, 5, true),
];

/** Max |a − b| / |b| over the elements (|a − b| where b = 0), for the report and the bounds. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      expect(Number.isNaN(x)).toBe(Number.isNaN(y));
      continue;
    }
    const d = Math.abs(x - y);
    worst = Math.max(worst, y === 0 ? d : d / Math.abs(y));
  }
  return worst;
}

/**
 * Elementwise |a − b| ≤ rel·(|b| + scale): a few float32 ulps of the element, or of the largest gradient
 * element of the case where the element is a cancellation (`g/s − g·p_y/s²` at the label).
 */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number): void {
  let scale = 0;
  for (let i = 0; i < b.length; i++)
    if (Number.isFinite(b[i])) scale = Math.max(scale, Math.abs(b[i] as number));
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(y)) expect(x).toBeNaN();
    else if (Math.abs(x - y) > rel * (Math.abs(y) + scale)) {
      expect.fail(`element ${i}: ${x} vs reference ${y}`);
    }
  }
}

/** Kernel names run by `f` (tf.profile), and its result. */
export async function kernelsOf(f: () => Tensor | undefined): Promise<string[]> {
  const info = await tf.profile(() => {
    const t = f();
    t?.dispose();
  });
  return info.kernels.map((k) => k.name);
}

/** Measured differences (fused vs reference), printed once at the end for the record. */
const measured: Record<string, number> = {};
export function record(key: string, value: number): void {
  measured[key] = Math.max(measured[key] ?? 0, value);
}

/** The record of measured differences, for the afterAll print. */
export function measuredDifferences(): Readonly<Record<string, number>> {
  return measured;
}

/**
 * The backends the kernel tests run on: cpu and wasm, and tensorflow where tfjs-node is registered (the suite's
 * second pass), where the kernels' TensorFlow forms run.
 */
export function kernelBackends(): readonly ('cpu' | 'wasm' | 'tensorflow')[] {
  return tf.findBackendFactory('tensorflow') === null ? ['cpu', 'wasm'] : ['cpu', 'wasm', 'tensorflow'];
}

/** The suite setup both kernel test files share: gradients registered; at the end, back to cpu and the record printed. */
export function sparseKernelSuite(): void {
  beforeAll(() => {
    registerGradients();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
    console.log('fused vs reference, max relative differences:', measuredDifferences());
  });
}
