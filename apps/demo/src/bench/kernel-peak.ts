#!/usr/bin/env node
// The roofline's peak (issue 24), in its own process: `node dist/bench/kernel-peak.js --threads N [--no-relaxed-simd]`.
// steadygrad's GEMM kernel (core's hostMatMul on wasm, relaxed SIMD fused multiply-adds where available) on a
// cache-resident product — [256, 128] · [128, 256], 2^23 multiply-adds: A and B 128 KiB each, C 256 KiB, the
// size at which the kernel splits over threads — run back to back; the best of several timed chunks. This is a
// "kernel peak" (what our GEMM reaches when the data sits in cache), not a bare FMA-throughput microbenchmark.
// Prints one JSON line: { threads, gflops, relaxedSimd, kernel }.
import { parseArgs } from 'node:util';
import {
  hostMatMul,
  hostMatMulAvailable,
  setHostRelaxedSimdEnabled,
  setHostThreads,
  tf,
  useBackend,
} from '@steadygrad/core';

const M = 256;
const K = 128;
const N = 256;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      threads: { type: 'string', default: '1' },
      'no-relaxed-simd': { type: 'boolean', default: false },
      'chunk-ms': { type: 'string', default: '60' },
      chunks: { type: 'string', default: '20' },
    },
  });
  const threads = Number(values.threads);
  const relaxed = !values['no-relaxed-simd'];
  const info = await useBackend('wasm', { relaxedSimd: relaxed });
  setHostRelaxedSimdEnabled(relaxed);
  await setHostThreads(threads);
  if (!hostMatMulAvailable()) throw new Error('kernel peak: no host SIMD GEMM on this platform');
  const a = tf.randomUniform([M, K]);
  const b = tf.randomUniform([K, N]);
  const product = (): void => {
    const c = hostMatMul(a, b);
    c.dispose();
  };
  for (let i = 0; i < 30; i++) product();
  let best = 0;
  const chunkMs = Number(values['chunk-ms']);
  for (let chunk = 0; chunk < Number(values.chunks); chunk++) {
    let calls = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < chunkMs) {
      for (let i = 0; i < 8; i++) product();
      calls += 8;
      t = performance.now();
    }
    best = Math.max(best, (2 * M * N * K * calls) / ((t - t0) / 1000) / 1e9);
  }
  a.dispose();
  b.dispose();
  const fma = relaxed && info.relaxedSimd;
  process.stdout.write(
    `${JSON.stringify({
      threads,
      gflops: best,
      relaxedSimd: fma,
      kernel: `steadygrad GEMM (hostMatMul, wasm SIMD${fma ? ' + relaxed FMA' : ''}) on a cache-resident [${M}, ${K}]·[${K}, ${N}] product, best of ${values.chunks} chunks`,
    })}\n`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
