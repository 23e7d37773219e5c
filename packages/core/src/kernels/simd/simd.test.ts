import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchNormGradKernel, batchNormTrainKernel } from '../batch-norm/batch-norm.js';
import { assembleModule } from '../runtime/assembler.js';
import { runHostKernel } from '../runtime/host-kernel.js';
import { simdModuleBytes } from '../runtime/simd-functions.js';
import { hostSimd, setHostMemory, setHostSimdEnabled } from '../runtime/simd-module.js';

interface WasmBackend {
  wasm: { HEAPF32: Float32Array; asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
}

function wasmMemory(): WebAssembly.Memory {
  const w = (tf.backend() as unknown as WasmBackend).wasm;
  const m = w.asm?.memory ?? w.wasmMemory;
  if (m === undefined) throw new Error('no wasm memory');
  return m;
}

/** Runs `f` with the SIMD paths on and off; returns both results as plain arrays. */
function bothWays(f: () => tf.Tensor[]): { simd: Float32Array[]; js: Float32Array[] } {
  const run = (on: boolean) => {
    setHostSimdEnabled(on);
    const outs = f();
    const values = outs.map((t) => t.dataSync() as Float32Array);
    tf.dispose(outs);
    return values;
  };
  return { simd: run(true), js: run(false) };
}

function expectBitIdentical(a: Float32Array[], b: Float32Array[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((arr, k) => {
    const other = b[k] as Float32Array;
    expect(arr.length).toBe(other.length);
    const ia = new Uint32Array(arr.buffer, arr.byteOffset, arr.length);
    const ib = new Uint32Array(other.buffer, other.byteOffset, other.length);
    let differing = 0;
    for (let i = 0; i < ia.length; i++) if (ia[i] !== ib[i]) differing++;
    expect(differing, `output ${k}`).toBe(0);
  });
}

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
});
afterEach(() => setHostSimdEnabled(true));
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('the WebAssembly SIMD module', () => {
  it('validates, and works on views of the wasm backend memory only', () => {
    expect(WebAssembly.validate(simdModuleBytes())).toBe(true);
    const memory = wasmMemory();
    setHostMemory(memory);
    try {
      expect(hostSimd(new Float32Array(memory.buffer, 0, 4))).toBeDefined();
      expect(hostSimd(new Float32Array(4))).toBeUndefined(); // a cpu-backend array
      setHostSimdEnabled(false);
      expect(hostSimd(new Float32Array(memory.buffer, 0, 4))).toBeUndefined();
    } finally {
      setHostMemory(undefined);
    }
    expect(hostSimd(new Float32Array(memory.buffer, 0, 4))).toBeUndefined(); // outside a host kernel
  });

  it('setHostSimdEnabled takes a boolean only', () => {
    expect(() => setHostSimdEnabled('no' as unknown as boolean)).toThrow(
      /setHostSimdEnabled must be a boolean, got "no"/,
    );
  });

  it('the assembler rejects unknown instructions and locals', () => {
    const f = { name: 'f', params: [['a', 'i32']] as const, locals: [] };
    expect(() => assembleModule([{ ...f, body: ['local.get', 'b'] }])).toThrow(/unknown local 'b'/);
    expect(() => assembleModule([{ ...f, body: ['i32.frobnicate'] }])).toThrow(/unknown instruction/);
  });
});

describe('batch-norm training forward: SIMD equals the JavaScript loops bit for bit', () => {
  for (const [rows, cols] of [
    [1, 8],
    [3, 7],
    [32, 784],
    [256, 300],
    [5, 10],
    [2, 3],
  ] as const) {
    for (const withParams of [true, false]) {
      it(`[${rows}, ${cols}], ${withParams ? 'γ, β and moving statistics' : 'no γ, β or moving statistics'}`, () => {
        const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([rows, cols], 0, 1, 'float32', 1), 3), 7));
        const gamma = withParams ? tf.randomUniform([cols], 0.5, 1.5, 'float32', 2) : undefined;
        const beta = withParams ? tf.randomNormal([cols], 0, 1, 'float32', 3) : undefined;
        const mm = withParams ? tf.randomNormal([cols], 0, 1, 'float32', 4) : undefined;
        const mv = withParams ? tf.randomUniform([cols], 0.5, 2, 'float32', 5) : undefined;
        const before = tf.memory().numTensors;
        const { simd, js } = bothWays(() =>
          runHostKernel(
            batchNormTrainKernel,
            { x, gamma, beta, movingMean: mm, movingVariance: mv },
            { epsilon: 1e-3, momentum: 0.99 },
          ),
        );
        expect(tf.memory().numTensors).toBe(before);
        expect(simd.length).toBe(withParams ? 5 : 3);
        expectBitIdentical(simd, js);
        // Real values: the batch means (x is around 7) and, with more than one row, a non-zero output.
        expect(simd[1]?.every((v) => v > 0)).toBe(true);
        if (rows > 1) expect(simd[0]?.some((v) => v !== 0)).toBe(true);
        tf.dispose([x, ...[gamma, beta, mm, mv].filter((t): t is tf.Tensor => t !== undefined)]);
      });
    }
  }
});

describe('batch-norm backward: SIMD equals the JavaScript loops bit for bit', () => {
  for (const [rows, cols] of [
    [1, 8],
    [3, 7],
    [32, 784],
    [256, 300],
    [5, 10],
  ] as const) {
    for (const inputGrad of [true, false]) {
      for (const withGamma of [true, false]) {
        it(`[${rows}, ${cols}], ${inputGrad ? 'with' : 'without'} dx, ${withGamma ? 'with' : 'without'} γ`, () => {
          const dy = tf.randomNormal([rows, cols], 0, 1, 'float32', 11);
          const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([rows, cols], 0, 1, 'float32', 12), 2), 3));
          const mean = tf.tidy(() => tf.mean(x, 0));
          const inv = tf.tidy(() => tf.rsqrt(tf.add(tf.moments(x, 0).variance, 1e-3)));
          const gamma = withGamma ? tf.randomUniform([cols], 0.5, 1.5, 'float32', 13) : undefined;
          const before = tf.memory().numTensors;
          const { simd, js } = bothWays(() =>
            runHostKernel(batchNormGradKernel, { dy, x, mean, inv, gamma }, { inputGrad }),
          );
          expect(tf.memory().numTensors).toBe(before);
          expect(simd.length).toBe(inputGrad ? 3 : 2);
          expectBitIdentical(simd, js);
          expect(simd[simd.length - 1]?.some((v) => v !== 0)).toBe(true); // dβ = Σ dy
          tf.dispose([dy, x, mean, inv, ...(gamma === undefined ? [] : [gamma])]);
        });
      }
    }
  }
});
