// The README's `pnpm bench` (the root script runs this package's `bench` script, `node dist/bench/bench.js`), here
// as a smoke run: every row at most 32 training samples, one repetition, one thread. It checks the JSON the
// bench prints (the MLP rows, the conv rows and their ratios), not speed: timings are for `pnpm bench` itself.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Row {
  system: string;
  backend: string;
  batchSize: number;
  samples: number;
  model?: string;
  testSamples?: number;
  samplesPerSecond: number;
  testAccuracy: number;
  tensorsLeaked: number | null;
}

describe('pnpm bench', () => {
  it('--quick --samples 32 --json: MLP and conv rows, no leaks, ratios from the same run', async () => {
    // Asynchronous: a synchronous spawn would block vitest's worker for minutes (its RPC times out).
    const { stdout: out } = await promisify(execFile)(
      process.execPath,
      ['dist/bench/bench.js', '--quick', '--samples', '32', '--reps', '1', '--threads', '1', '--json'],
      { cwd: app, encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    const lines = out.trim().split('\n');
    expect(out).toContain('| system | backend | threads | batch |');
    expect(out).toContain('| system (smallCnnModel) | backend |');
    const result = JSON.parse(lines.at(-1) as string) as {
      runs: Row[];
      ratios: { vsTfjsLayers: { batch32: number; batch256: number } };
      conv: {
        runs: Row[];
        ratios: { vsTfjsLayersCpu: number; wasmVsTfjsLayersCpu: number; tfjsLayersWasm: string | null };
      };
    };
    // Where `pnpm setup:tensorflow` built tfjs-node's binding, tensorflow rows join these (checked for leaks below).
    const mlp = result.runs.filter((r) => r.system !== 'pytorch');
    expect(
      mlp
        .filter((r) => r.backend === 'wasm')
        .map((r) => `${r.system}/${r.backend}/${r.batchSize}/${r.samples}`)
        .sort(),
    ).toEqual([
      'steadygrad/wasm/256/32',
      'steadygrad/wasm/32/32',
      'tfjs-layers/wasm/256/32',
      'tfjs-layers/wasm/32/32',
    ]);
    const conv = result.conv.runs.filter((r) => r.system !== 'pytorch');
    expect(conv.map((r) => `${r.system}/${r.backend}/${r.model}/${r.testSamples ?? 'all'}`).sort()).toEqual([
      'steadygrad/cpu/cnn/500',
      'steadygrad/wasm/cnn/all',
      'tfjs-layers/cpu/cnn/500',
    ]);
    for (const r of [...mlp, ...conv]) {
      expect(r.tensorsLeaked).toBe(0);
      expect(r.samplesPerSecond).toBeGreaterThan(0);
      expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
    }
    for (const v of [
      result.ratios.vsTfjsLayers.batch32,
      result.ratios.vsTfjsLayers.batch256,
      result.conv.ratios.vsTfjsLayersCpu,
      result.conv.ratios.wasmVsTfjsLayersCpu,
    ]) {
      expect(v).toBeGreaterThan(0);
    }
    // tfjs-layers cannot train a conv net on wasm (tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter): the
    // bench records why. If a tfjs release adds the kernel, this fails and the conv row can compare on wasm.
    expect(result.conv.ratios.tfjsLayersWasm).toContain('Conv2DBackpropFilter');
  }, 600_000);
});
