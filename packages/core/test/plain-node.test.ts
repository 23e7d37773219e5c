// Runs the *built* package in plain Node (no Vite, no vitest transforms): this is where tfjs-core's own
// gradient registration fails, so it is the place to prove ours works.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkgRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function runNode(code: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: pkgRoot,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}

describe('plain Node ESM', () => {
  it('tfjs-core alone has no gradient for MatMul (the problem we solve)', () => {
    const out = runNode(`
      import * as tf from '@tensorflow/tfjs-core';
      import '@tensorflow/tfjs-backend-cpu';
      console.log(String(tf.getGradient('BatchMatMul') === undefined));
    `);
    expect(out.trim()).toBe('true');
  });

  it('useBackend registers gradients and differentiates on cpu and wasm', () => {
    for (const backend of ['cpu', 'wasm']) {
      const out = runNode(`
        import { tf, useBackend } from '@steadygrad/core';
        const info = await useBackend('${backend}');
        const w = tf.variable(tf.tensor2d([[0.5], [-1]]));
        const x = tf.tensor2d([[1, 2], [3, -4]]);
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.tanh(tf.matMul(x, w))));
        console.log(JSON.stringify({ name: info.name, value: value.dataSync()[0], grad: Array.from(grads[w.name].dataSync()) }));
      `);
      const r = JSON.parse(out.trim().split('\n').pop()!);
      // z = x·w = [-1.5, 5.5]; d/dw sum(tanh(z)) = xᵀ (1 − tanh²(z))
      const d = [1 - Math.tanh(-1.5) ** 2, 1 - Math.tanh(5.5) ** 2];
      expect(r.name).toBe(backend);
      expect(r.value).toBeCloseTo(Math.tanh(-1.5) + Math.tanh(5.5), 5);
      expect(r.grad[0]).toBeCloseTo(1 * d[0]! + 3 * d[1]!, 5);
      expect(r.grad[1]).toBeCloseTo(2 * d[0]! - 4 * d[1]!, 5);
    }
  });

  it('the tensorflow backend explains how to install it when missing', () => {
    const out = runNode(`
      import { useBackend } from '@steadygrad/core';
      try { await useBackend('tensorflow'); console.log('loaded'); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }
    `);
    const r = JSON.parse(out.trim());
    expect(r.code).toBe('BACKEND_UNAVAILABLE');
    expect(r.message).toMatch(/install '@tensorflow\/tfjs-node-gpu' \(CUDA\) or '@tensorflow\/tfjs-node'/);
  });
});
