// Issue 20, item 4: memory amplification in the model loader. A small model.json that declares a huge
// model must be rejected from the JSON alone — every layer's declared sizes against the weights manifest and
// the weight bytes present — before any layer is built. Bar: a model.json of at most 2 MB never makes the
// loader allocate more than 64 MB before rejecting it. Each load runs in a fresh child process, which
// reports the growth of its peak resident memory (getrusage's maxrss) over a warmed-up baseline.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveLayersModel } from '@steadygrad/interop';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const child = join(dirname(fileURLToPath(import.meta.url)), 'children', 'load-model-memory.mjs');
const MAX_JSON = 2 * 1024 * 1024;
const BUDGET_MIB = 64;

let root: string;
let warmDir: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'steadygrad-model-memory-'));
  warmDir = join(root, 'warm');
  const warm = new Sequential([new Flatten({ inputShape: [2, 2] }), new Dense({ units: 3 })], { seed: 1 });
  warm.build();
  await saveLayersModel(warm, warmDir);
  warm.dispose();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Hostile {
  readonly layers: readonly Record<string, unknown>[];
  readonly weights: readonly { name: string; shape: number[] }[];
  /** Bytes of weights.bin (default: exactly what the manifest lists). */
  readonly weightBytes?: number;
  /** Written as a functional model (`class_name: "Model"`, each layer fed by the one before). */
  readonly functional?: boolean;
}

const dense = (name: string, units: number, extra: Record<string, unknown> = {}) => ({
  class_name: 'Dense',
  config: { name, units, ...extra },
});

function write(name: string, h: Hostile): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const listed = h.weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  const input = { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 500] } };
  const names = ['in', ...h.layers.map((l) => (l.config as { name: string }).name)];
  const topology = h.functional
    ? {
        class_name: 'Model',
        config: {
          name: 'hostile',
          layers: [
            { ...input, name: 'in', inbound_nodes: [] },
            ...h.layers.map((l, i) => ({
              ...l,
              name: names[i + 1],
              inbound_nodes: [[[names[i], 0, 0, {}]]],
            })),
          ],
          input_layers: [['in', 0, 0]],
          output_layers: [[names.at(-1), 0, 0]],
        },
      }
    : { class_name: 'Sequential', config: { name: 'hostile', layers: [input, ...h.layers] } };
  const modelJson = {
    format: 'layers-model',
    modelTopology: topology,
    weightsManifest: [
      { paths: ['weights.bin'], weights: h.weights.map((w) => ({ ...w, dtype: 'float32' })) },
    ],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(h.weightBytes ?? listed));
  expect(statSync(join(dir, 'model.json')).size).toBeLessThanOrEqual(MAX_JSON);
  return dir;
}

function load(dir: string, mode: 'files' | 'memory') {
  // A loader that builds the declared model takes gigabytes and minutes; the timeout turns that into a failure.
  const out = execFileSync(process.execPath, [child, dir, mode, warmDir], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd: dirname(child),
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as {
    error?: { name: string; code: string; message: string };
    growthMiB: number;
    tensorsLeaked: number;
  };
}

const cases: { name: string; hostile: () => Hostile; code: string; message: RegExp }[] = [
  {
    // The case: each layer alone fits the weight data, the model does not.
    name: '1,000 × Dense(500), weights for the first layer only (each layer alone fits the data)',
    hostile: () => ({
      layers: Array.from({ length: 1000 }, (_, i) => dense(`d${i}`, 500)),
      weights: [
        { name: 'd0/kernel', shape: [500, 500] },
        { name: 'd0/bias', shape: [500] },
      ],
    }),
    code: 'CORRUPT_DATA',
    message:
      /layer 'd1' \(Dense\): weight 'd1\/kernel' \(shape \[500, 500\]\) is missing from the weights manifest/,
  },
  {
    // The same as a functional model: its graph is planned call by call before any layer is built.
    name: 'a functional chain of 1,000 × Dense(500), weights for the first layer only',
    hostile: () => ({
      functional: true,
      layers: Array.from({ length: 1000 }, (_, i) => dense(`d${i}`, 500)),
      weights: [
        { name: 'd0/kernel', shape: [500, 500] },
        { name: 'd0/bias', shape: [500] },
      ],
    }),
    code: 'CORRUPT_DATA',
    message:
      /layer 'd1' \(Dense\): weight 'd1\/kernel' \(shape \[500, 500\]\) is missing from the weights manifest/,
  },
  {
    // The manifest names every weight of a 1 GB model, with the right shapes, but the bytes are not there.
    name: '1,000 × Dense(500) fully listed in the manifest, weights.bin of 1 MB',
    hostile: () => ({
      layers: Array.from({ length: 1000 }, (_, i) => dense(`d${i}`, 500)),
      weights: Array.from({ length: 1000 }, (_, i) => [
        { name: `d${i}/kernel`, shape: [500, 500] },
        { name: `d${i}/bias`, shape: [500] },
      ]).flat(),
      weightBytes: 1_002_000,
    }),
    code: 'CORRUPT_DATA',
    message: /1002000 bytes|expected 1002000000 bytes|lists 1002000000 bytes/,
  },
  {
    // A 2 MB file of as many wide layers as fit, each one's kernel a single manifest weight reused by name.
    name: 'a 2 MB model.json of ~25,000 Dense(4096) layers sharing one [500, 4096] weight',
    hostile: () => ({
      layers: Array.from({ length: 25_000 }, (_, i) => dense(`l${i}`, 4096, { use_bias: false })),
      weights: [{ name: 'l0/kernel', shape: [500, 4096] }],
    }),
    code: 'CORRUPT_DATA',
    message:
      /layer 'l1' \(Dense\): weight 'l1\/kernel' \[4096, 4096\] needs 16777216 values, but the weight data holds 2048000/,
  },
  {
    name: 'one layer of a billion units over a weight of the right name',
    hostile: () => ({ layers: [dense('big', 1e9)], weights: [{ name: 'big/kernel', shape: [500, 2] }] }),
    code: 'CORRUPT_DATA',
    message:
      /weight 'big\/kernel' \[500, 1000000000\] needs 500000000000 values, but the weight data holds 1000/,
  },
];

describe('model loader memory bar: a model.json of at most 2 MB is rejected within 64 MB', () => {
  for (const c of cases) {
    it(c.name, () => {
      const dir = write(c.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40), c.hostile());
      for (const mode of ['files', 'memory'] as const) {
        const r = load(dir, mode);
        expect(r.error?.name, `${mode}: ${JSON.stringify(r)}`).toBe('SteadygradError');
        expect(r.error?.code).toBe(c.code);
        expect(r.error?.message).toMatch(c.message);
        expect(r.tensorsLeaked).toBe(0);
        expect(r.growthMiB, `${mode}: peak memory growth`).toBeLessThan(BUDGET_MIB);
        console.log(`${c.name} (${mode}): peak RSS growth ${r.growthMiB.toFixed(1)} MiB`);
      }
    });
  }
});
