// The README's `pnpm bench` (the root script runs this package's `bench` script, `node dist/bench/bench.js`), here
// as a smoke run: every row at most 32 training samples, one repetition, one thread. It checks the JSON the
// bench prints (the MLP rows, the conv rows and their ratios), not speed: timings are for `pnpm bench` itself.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { kerasAvailable, peerPython, torchAvailable } from '../src/bench/peers.js';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
// The bench's Python, found the way the bench finds it: `npm test` runs `pnpm bench:peers` first, so where pip's
// index is reachable the `.venv-peers` venv (PyTorch 2, Keras 3) gives the peers' rows and finite ratios; where it
// is not, /usr/bin/python3 has neither and the peers' ratios are null.
const python = peerPython(join(app, '../..'));
const torch = torchAvailable(python);
const torchOk = torch.ok && /^torch [2-9]\./.test(torch.why);
const kerasOk = kerasAvailable(python).ok;
type PerBatch = { batch32: number | null; batch256: number | null } | null;

function finitePositive(v: PerBatch): void {
  expect(v).not.toBeNull();
  for (const x of [v?.batch32, v?.batch256]) {
    expect(Number.isFinite(x)).toBe(true);
    expect(x).toBeGreaterThan(0);
  }
}

interface Row {
  system: string;
  backend: string;
  threads: number;
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
      pytorch: string;
      keras: string;
      tensorflow: string;
      ratios: {
        tensorflowVsTfjsLayers: PerBatch;
        tensorflowVsTfjsLayersOneThread: PerBatch;
        tensorflowVsTfjsLayersSameThreads: PerBatch;
        tensorflowBestThreads: unknown;
        vsTfjsLayers: { batch32: number; batch256: number };
        epochTimeVsPytorch2Best: PerBatch;
        epochTimeVsPytorch2OneThread: PerBatch;
        kerasOverSteadygrad: PerBatch;
        inferenceVsPytorch2: number | null;
      };
      roofline: {
        gflopPerEpoch: number;
        peakGflops: { oneThread: number; allThreads: number; threads: number };
        achieved: Record<string, PerBatch>;
        fractionOfPeak: { batch32: number; batch256: number };
      };
      conv: {
        runs: Row[];
        ratios: { vsTfjsLayersCpu: number; wasmVsTfjsLayersCpu: number; tfjsLayersWasm: string | null };
      };
    };
    // Where `pnpm setup:tensorflow` built tfjs-node's binding, tensorflow rows join these (checked for leaks below).
    const mlp = result.runs.filter((r) => !['pytorch', 'keras', 'keras-xla'].includes(r.system));
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
    // Issue 23: on tensorflow (where its binding is built) both systems with TensorFlow's pool at one thread
    // (--threads 1), and the ratios derived from those rows alone.
    const tfRows = mlp.filter((r) => r.backend === 'tensorflow');
    if (result.tensorflow.startsWith('skipped')) {
      expect(tfRows).toEqual([]);
      expect(result.ratios.tensorflowVsTfjsLayers).toBeNull();
    } else {
      expect(tfRows.map((r) => `${r.system}/${r.threads}/${r.batchSize}`).sort()).toEqual([
        'steadygrad/1/256',
        'steadygrad/1/32',
        'tfjs-layers/1/256',
        'tfjs-layers/1/32',
      ]);
      finitePositive(result.ratios.tensorflowVsTfjsLayers);
      expect(result.ratios.tensorflowVsTfjsLayersOneThread).toEqual(result.ratios.tensorflowVsTfjsLayers);
      expect(result.ratios.tensorflowVsTfjsLayersSameThreads).toBeNull();
      expect(result.ratios.tensorflowBestThreads).toEqual({
        steadygrad: { batch32: 1, batch256: 1 },
        tfjsLayers: { batch32: 1, batch256: 1 },
      });
      expect(out).toContain(
        'tensorflow backend, steadygrad ÷ tfjs-layers samples/s, each at its best TensorFlow thread setting',
      );
    }
    // Issue 24: the Python peers at one thread (--threads 1) at both batch sizes, or null with the reason.
    const peerRows = (system: string) =>
      result.runs
        .filter((r) => r.system === system)
        .map((r) => `${r.backend}/${r.batchSize}/${r.samples}`)
        .sort();
    const { ratios } = result;
    expect(peerRows('pytorch')).toEqual(torch.ok ? ['cpu/256/32', 'cpu/32/32'] : []);
    if (torchOk) {
      finitePositive(ratios.epochTimeVsPytorch2Best);
      finitePositive(ratios.epochTimeVsPytorch2OneThread);
      expect(ratios.inferenceVsPytorch2).toBeGreaterThan(0);
    } else {
      expect(ratios.epochTimeVsPytorch2Best).toBeNull();
      expect(ratios.epochTimeVsPytorch2OneThread).toBeNull();
      expect(ratios.inferenceVsPytorch2).toBeNull();
      expect(out).toMatch(/steadygrad ÷ PyTorch 2: null \(.+\)/);
    }
    if (kerasOk) {
      expect(result.keras).toMatch(/^keras 3\./);
      expect(peerRows('keras')).toEqual(['cpu/256/32', 'cpu/32/32']);
      finitePositive(ratios.kerasOverSteadygrad);
    } else {
      expect(result.keras).toMatch(/^skipped: /);
      expect(peerRows('keras')).toEqual([]);
      expect(ratios.kerasOverSteadygrad).toBeNull();
      expect(out).toMatch(/Keras 3 ÷ steadygrad: null \(Keras skipped: .+\)/);
    }
    // The roofline: matrix-product work per epoch, the GEMM kernel peak on 1 and all threads, achieved rates.
    const roof = result.roofline;
    expect(roof.gflopPerEpoch).toBeCloseTo(67.608, 9);
    for (const v of [roof.peakGflops.oneThread, roof.peakGflops.allThreads]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    finitePositive(roof.achieved.steadygrad as PerBatch);
    finitePositive(roof.achieved.tfjsLayers as PerBatch);
    expect(roof.achieved.pytorch === null).toBe(!torch.ok);
    expect(roof.achieved.keras === null).toBe(!kerasOk);
    for (const f of [roof.fractionOfPeak.batch32, roof.fractionOfPeak.batch256]) {
      expect(f).toBeGreaterThan(0);
      expect(f).toBeLessThanOrEqual(1.5);
    }
    expect(out).toContain('roofline: 67.61 GFLOP per epoch');
    // tfjs-layers cannot train a conv net on wasm (tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter): the
    // bench records why. If a tfjs release adds the kernel, this fails and the conv row can compare on wasm.
    expect(result.conv.ratios.tfjsLayersWasm).toContain('Conv2DBackpropFilter');
  }, 600_000);
});
