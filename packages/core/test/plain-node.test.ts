// Runs the *built* package in plain Node (no Vite, no vitest transforms): this is where tfjs-core's own
// gradient registration fails, so it is the place to prove ours works.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { relaxedSimdModuleBytes as relaxedBytes } from '../src/kernels/runtime/simd-functions.js';

const pkgRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function runNode(code: string, { relaxedSimd = false } = {}): string {
  // Node 20 needs the V8 flag for relaxed SIMD; newer Node has it by default (and may not know the flag).
  const flags =
    relaxedSimd && !WebAssembly.validate(relaxedBytes()) ? ['--experimental-wasm-relaxed-simd'] : [];
  return execFileSync(process.execPath, [...flags, '--input-type=module', '-e', code], {
    cwd: pkgRoot,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 120_000,
  });
}

/** Whether the workspace's tfjs-node has its native binding (after `pnpm setup:tensorflow`). */
function tfjsNodeBuilt(): boolean {
  const dir = dirname(
    createRequire(join(pkgRoot, 'package.json')).resolve('@tensorflow/tfjs-node/package.json'),
  );
  return (
    existsSync(join(dir, 'lib')) &&
    readdirSync(join(dir, 'lib')).some((d) => existsSync(join(dir, 'lib', d, 'tfjs_binding.node')))
  );
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

  it('the tensorflow backend explains how to install it when it cannot be loaded', () => {
    const out = runNode(`
      import { useBackend } from '@steadygrad/core';
      const load = (name) => Promise.reject(new Error("Cannot find package '" + name + "'"));
      try { await useBackend('tensorflow', { load }); console.log('loaded'); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }
    `);
    const r = JSON.parse(out.trim());
    expect(r.code).toBe('BACKEND_UNAVAILABLE');
    expect(r.message).toMatch(/install '@tensorflow\/tfjs-node' \(or '@tensorflow\/tfjs-node-gpu', CUDA\)/);
    expect(r.message).toMatch(/--ignore-scripts and build its binding from a local TensorFlow/);
    expect(r.message).toMatch(/Tried: @tensorflow\/tfjs-node-gpu: Cannot find package/);
  });

  it("useBackend('tensorflow') finds the workspace's tfjs-node in ES module resolution once its binding is built", () => {
    // The workspace root has @tensorflow/tfjs-node without its native binding until `pnpm setup:tensorflow`
    // builds it (CI does). Both states are asserted: loaded and differentiating, or the install advice.
    const built = tfjsNodeBuilt();
    const out = runNode(`
      import { tf, useBackend } from '@steadygrad/core';
      try {
        const info = await useBackend('tensorflow');
        const g = tf.grad((x) => tf.sum(tf.pow(x, tf.scalar(3))))(tf.tensor1d([1, 2, 3]));
        console.log(JSON.stringify({ name: info.name, packageName: info.packageName, tf: tf.backend().binding.TF_Version, grad: Array.from(g.dataSync()) }));
      } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }
    `);
    const r = JSON.parse(out.trim().split('\n').pop()!);
    if (built) {
      expect(r).toMatchObject({
        name: 'tensorflow',
        packageName: '@tensorflow/tfjs-node',
        grad: [3, 12, 27],
      });
      expect(r.tf).toMatch(/^2\.\d+\.\d+/);
    } else {
      expect(r.code).toBe('BACKEND_UNAVAILABLE');
      expect(r.message).toMatch(/tfjs_binding\.node\) can not be found/);
    }
  });
});

describe("useBackend('tensorflow', { tensorflowThreads })", () => {
  it("sizes TensorFlow's intra-op pool when it loads tfjs-node, and refuses another size once loaded", () => {
    const built = tfjsNodeBuilt();
    // One process per pool size: the same work, then the process's thread count (Linux: /proc/self/task).
    // TensorFlow's pool threads are the only ones the option changes, so 1 and 3 differ by exactly 2.
    const run = (threads: number) =>
      JSON.parse(
        runNode(`
      import { existsSync, readdirSync } from 'node:fs';
      import { tf, useBackend } from '@steadygrad/core';
      try {
        const info = await useBackend('tensorflow', { tensorflowThreads: ${threads} });
        const c = tf.matMul(tf.ones([128, 128]), tf.ones([128, 128]));
        const first = c.dataSync()[0];
        const tasks = existsSync('/proc/self/task') ? readdirSync('/proc/self/task').length : null;
        const again = await useBackend('tensorflow', { tensorflowThreads: ${threads} }).then((i) => i.name);
        const other = await useBackend('tensorflow', { tensorflowThreads: ${threads + 1} }).catch((e) => e);
        console.log(JSON.stringify({ name: info.name, env: process.env.TF_NUM_INTRAOP_THREADS, first, tasks, again,
          backendAfter: tf.getBackend(), otherCode: other.code, otherMessage: other.message }));
      } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }
    `)
          .trim()
          .split('\n')
          .pop()!,
      );
    const one = run(1);
    if (!built) {
      expect(one.code).toBe('BACKEND_UNAVAILABLE');
      return;
    }
    const three = run(3);
    for (const [r, n] of [
      [one, 1],
      [three, 3],
    ] as const) {
      expect(r).toMatchObject({ name: 'tensorflow', env: String(n), first: 128, again: 'tensorflow' });
      expect(r.backendAfter).toBe('tensorflow');
      expect(r.otherCode).toBe('INVALID_ARGUMENT');
      expect(r.otherMessage).toBe(
        `useBackend option tensorflowThreads: TensorFlow was already loaded in this process with ` +
          `TF_NUM_INTRAOP_THREADS=${n}; its thread count is fixed when tfjs-node is first loaded, so ${n + 1} ` +
          'cannot take effect',
      );
    }
    if (one.tasks !== null) expect(three.tasks - one.tasks).toBe(2);
  });
});

describe('relaxed SIMD (fused multiply-add GEMM tiles) in plain Node', () => {
  it("useBackend('wasm') makes relaxed SIMD available (setting V8's flag on Node 20/21), unless relaxedSimd: false", () => {
    const code = (option: string): string => `
      import { tf, useBackend, hostMatMul, hostRelaxedSimdAvailable } from '@steadygrad/core';
      const validates = () => WebAssembly.validate(new Uint8Array(${JSON.stringify([...relaxedBytes()])}));
      const before = validates();
      const info = await useBackend('wasm'${option});
      const a = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]), b = tf.ones([4, 8]);
      const c = hostMatMul(a, b);
      console.log(JSON.stringify({ before, after: validates(), info: info.relaxedSimd, available: hostRelaxedSimdAvailable(), row: Array.from(c.dataSync().slice(0, 8)) }));
    `;
    const on = JSON.parse(runNode(code('')).trim().split('\n').pop()!);
    const off = JSON.parse(runNode(code(', { relaxedSimd: false }')).trim().split('\n').pop()!);
    // With the flag: available whether or not this Node had it by default.
    expect(on).toMatchObject({ after: true, info: true, available: true });
    expect(on.row).toEqual([10, 10, 10, 10, 10, 10, 10, 10]);
    // Without it, V8's flags are left alone: available only where this Node has relaxed SIMD by default.
    expect(off.after).toBe(off.before);
    expect(off.info).toBe(off.before);
    expect(off.available).toBe(off.before);
    expect(off.row).toEqual(on.row);
    // On Node 20 (the project's CI) the default really had to set the flag.
    if (process.versions.node.startsWith('20.')) expect(on.before).toBe(false);
  });

  it('hostMatMul with fused multiply-adds: within the float32 summation bound of float64 sums; off, the plain tiles and the JavaScript loop agree bit for bit', () => {
    // Node 20 needs the V8 flag; newer Node has relaxed SIMD by default (and may not know the flag).
    const code = `
      import { tf, useBackend, hostMatMul, hostRelaxedSimdAvailable, setHostRelaxedSimdEnabled, setHostSimdEnabled } from '@steadygrad/core';
      await useBackend('wasm');
      const available = hostRelaxedSimdAvailable();
      const vals = (n, seed) => { const o = new Float32Array(n); let s = seed; for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; o[i] = (s / 2 ** 32) * 2 - 1; } return o; };
      const run = (a, b, m, k, n, tA, bias, relu) => {
        const t = tf.tidy(() => hostMatMul(tf.tensor2d(a, tA ? [k, m] : [m, k]), tf.tensor2d(b, [k, n]), { transposeA: tA, bias: bias && tf.tensor1d(bias), relu }));
        const v = t.dataSync().slice(); t.dispose(); return v;
      };
      let worst = 0, fmaDiffers = 0, plainVsJs = 0, tailDiffers = 0, cases = 0;
      for (const [m, k, n, tA] of [[6, 37, 21, false], [13, 50, 10, true], [64, 300, 100, false], [130, 64, 300, true], [32, 784, 300, false]]) {
        const a = vals(m * k, m + k), b = vals(k * n, n), bias = vals(n, 7);
        setHostRelaxedSimdEnabled(true); const fused = run(a, b, m, k, n, tA, bias, true);
        setHostRelaxedSimdEnabled(false); const plain = run(a, b, m, k, n, tA, bias, true);
        setHostSimdEnabled(false); const js = run(a, b, m, k, n, tA, bias, true);
        setHostSimdEnabled(true); setHostRelaxedSimdEnabled(true);
        const n4 = n - (n % 4);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
          let s = 0, abs = 0; for (let q = 0; q < k; q++) { const p = a[tA ? q * m + i : i * k + q] * b[q * n + j]; s += p; abs += Math.abs(p); }
          s += bias[j]; const want = s > 0 ? s : 0; const e = i * n + j;
          worst = Math.max(worst, Math.abs(fused[e] - want) / ((k + 2) * 2 ** -24 * (abs + Math.abs(bias[j]))));
          if (fused[e] !== plain[e]) { fmaDiffers++; if (j >= n4) tailDiffers++; }
          if (!Object.is(plain[e], js[e])) plainVsJs++;
        }
        cases++;
      }
      console.log(JSON.stringify({ available, worst, fmaDiffers, plainVsJs, tailDiffers, cases, numTensors: tf.memory().numTensors }));
    `;
    const out = runNode(code, { relaxedSimd: true });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.available).toBe(true);
    expect(r.cases).toBe(5);
    // The classic bound of a float32 recursive sum, (k + 2)·u·Σ|terms| (u = 2⁻²⁴); typical errors are far
    // below it.
    expect(r.worst).toBeLessThan(1);
    expect(r.worst).toBeGreaterThan(0);
    expect(r.plainVsJs).toBe(0);
    expect(r.tailDiffers).toBe(0); // the last n mod 4 columns take the scalar loop either way
    // With an FMA unit the fused tiles round once per multiply-add, so some elements differ from the plain
    // tiles; without one V8 lowers relaxed_madd to a multiply and an add (the same bits).
    let cpuHasFma: boolean | undefined;
    try {
      cpuHasFma = / fma /.test(readFileSync('/proc/cpuinfo', 'utf8').replace(/\n/g, ' '));
    } catch {
      cpuHasFma = undefined;
    }
    if (cpuHasFma === true) expect(r.fmaDiffers).toBeGreaterThan(0);
    if (cpuHasFma === false) expect(r.fmaDiffers).toBe(0);
    expect(r.numTensors).toBe(0);
  });
});

describe('GEMM worker threads in plain Node', () => {
  it('split products give the same bits as one thread, with the plain and the fused tiles, and idle workers let the process exit', () => {
    // No process.exit and no setHostThreads(1) at the end: the run returns only if idle workers do not keep
    // Node alive.
    const code = `
      import { tf, useBackend, hostMatMul, hostRelaxedSimdAvailable, setHostRelaxedSimdEnabled, setHostThreads, hostThreads, threadedProducts } from '@steadygrad/core';
      await useBackend('wasm');
      const vals = (n, seed) => { const o = new Float32Array(n); let s = seed; for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; o[i] = (s / 2 ** 32) * 2 - 1; } return o; };
      const run = (m, k, n, tA) => {
        const t = tf.tidy(() => hostMatMul(tf.tensor2d(vals(m * k, m), tA ? [k, m] : [m, k]), tf.tensor2d(vals(k * n, n), [k, n]), { transposeA: tA, bias: tf.tensor1d(vals(n, 3)), relu: true }));
        const v = new Uint32Array(t.dataSync().buffer).slice(); t.dispose(); return v;
      };
      let differing = 0, cases = 0;
      for (const fused of [false, true]) {
        setHostRelaxedSimdEnabled(fused);
        for (const [m, k, n, tA] of [[256, 784, 300, false], [784, 32, 300, true], [61, 900, 75, false]]) {
          await setHostThreads(1); const one = run(m, k, n, tA);
          await setHostThreads(2, { minMultiplyAdds: 1 << 21 }); const two = run(m, k, n, tA);
          for (let i = 0; i < one.length; i++) if (one[i] !== two[i]) differing++;
          cases++;
        }
      }
      console.log(JSON.stringify({ relaxed: hostRelaxedSimdAvailable(), threads: hostThreads(), split: threadedProducts(), differing, cases, numTensors: tf.memory().numTensors }));
    `;
    const out = runNode(code, { relaxedSimd: true });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r).toEqual({ relaxed: true, threads: 2, split: 6, differing: 0, cases: 6, numTensors: 0 });
  });
});
