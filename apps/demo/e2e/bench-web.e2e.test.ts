// The README's `pnpm bench:web` (apps/demo's `node dist/bench/web-bench.js`), here as a smoke run in real
// headless Chromium: 320 training samples per row, one repetition. It checks what the bench reports — every
// system on wasm and WebGL at both batch sizes, no leaked tensor, a trained model, steadygrad's fused step on
// wasm, ratios from the same page — not speed: timings are for `pnpm bench:web` itself.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Summary {
  system: string;
  backend: string;
  batchSize: number;
  samplesPerSecond: number;
  testAccuracy: number;
  kernelsPerStep: number;
  tensorsLeaked: number;
}
type PerBatch = { batch32: number | null; batch256: number | null };

describe('pnpm bench:web', () => {
  it('--quick --samples 320 --json: both systems on wasm and WebGL, same page, no leaks', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['dist/bench/web-bench.js', '--quick', '--samples', '320', '--json'],
      { cwd: appDir, encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    expect(stdout).toContain('| system | backend | batch | samples/s |');
    const result = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
      renderer: string;
      samples: number;
      summaries: Summary[];
      ratios: { wasm: PerBatch; webgl: PerBatch; paired: { wasm: PerBatch; webgl: PerBatch } };
    };
    expect(result.samples).toBe(320);
    expect(result.renderer).toMatch(/SwiftShader/);
    expect(result.summaries.map((s) => `${s.system}/${s.backend}/${s.batchSize}`).sort()).toEqual([
      'steadygrad/wasm/256',
      'steadygrad/wasm/32',
      'steadygrad/webgl/256',
      'steadygrad/webgl/32',
      'tfjs-layers/wasm/256',
      'tfjs-layers/wasm/32',
      'tfjs-layers/webgl/256',
      'tfjs-layers/webgl/32',
    ]);
    for (const s of result.summaries) {
      expect(s.tensorsLeaked).toBe(0);
      expect(s.samplesPerSecond).toBeGreaterThan(0);
      // 10 steps at batch 32 (2 at 256) from scratch: above chance (0.1) on the 2,000 test images.
      if (s.batchSize === 32) expect(s.testAccuracy).toBeGreaterThan(0.2);
    }
    // On wasm steadygrad's step is its fused SIMD host kernels: a few dozen kernels against tfjs-layers' hundreds.
    const kernels = (system: string, backend: string) =>
      result.summaries.find((s) => s.system === system && s.backend === backend && s.batchSize === 32)
        ?.kernelsPerStep as number;
    expect(kernels('steadygrad', 'wasm')).toBeLessThan(60);
    expect(kernels('tfjs-layers', 'wasm')).toBeGreaterThan(300);
    for (const v of [
      result.ratios.wasm,
      result.ratios.webgl,
      result.ratios.paired.wasm,
      result.ratios.paired.webgl,
    ]) {
      for (const x of [v.batch32, v.batch256]) {
        expect(Number.isFinite(x)).toBe(true);
        expect(x).toBeGreaterThan(0);
      }
    }
  }, 600_000);
});
