// The training worker: every experiment runs here, so the page stays responsive (and Stop can simply end
// the worker). WebGL works in a worker through OffscreenCanvas (tfjs-backend-webgl creates one when there
// is no document): Chromium, Firefox and Safari ≥ 17 support it. The backends are imported statically (a
// bundle cannot import them by name at run time); `useBackend` then only selects one.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { isSteadygradError, SteadygradError, tf, useBackend } from '@steadygrad/core';
import type { FashionMnist } from '@steadygrad/datasets';
import type { ExperimentContext } from '../../src/experiment.js';
import { experiments } from '../../src/experiments/index.js';
import { fastestForSeedCell5 } from './auto-backend.js';
import { LiveCallback, memorySample, type Probe } from './live-callback.js';
import { seedCell5 } from './page-experiments.js';
import type { RunRequest, WorkerMessage } from './protocol.js';
import { loadSubset } from './subset.js';
import { configureWasm } from './wasm-paths.js';

const scope = self as unknown as {
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<RunRequest>) => void) | null;
};
const post = (m: WorkerMessage) => scope.postMessage(m);

configureWasm();

/** The page's own quick run first, then every shared experiment (the same modules as the CLI). */
const all = [seedCell5, ...experiments];
post({ type: 'hello', experiments: all.map(({ name, description }) => ({ name, description })) });

function makeProbe(data: FashionMnist, count: number, shown: number): Probe {
  const n = Math.min(count, data.test.count);
  const pixels = data.test.images.subarray(0, n * 784);
  const labels = data.test.labels.subarray(0, n);
  return {
    x: tf.tidy(() => tf.div(tf.tensor3d(Float32Array.from(pixels), [n, 28, 28]), 255)),
    y: tf.tensor1d(Int32Array.from(labels), 'int32'),
    images: pixels.slice(0, Math.min(shown, n) * 784),
    labels: Array.from(labels.subarray(0, Math.min(shown, n))),
    shown: Math.min(shown, n),
    classNames: data.classNames,
  };
}

/** Results cross to the page as JSON (typed arrays become arrays, NaN stays visible). */
function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v) =>
      ArrayBuffer.isView(v)
        ? Array.from(v as unknown as ArrayLike<number>)
        : typeof v === 'number' && !Number.isFinite(v)
          ? String(v)
          : v,
    ),
  );
}

async function run(req: RunRequest): Promise<void> {
  const experiment = all.find((e) => e.name === req.experiment);
  if (experiment === undefined) {
    throw new SteadygradError(
      'UNKNOWN_NAME',
      `unknown experiment '${req.experiment}'; expected one of: ${all.map((e) => e.name).join(', ')}`,
    );
  }
  post({ type: 'status', text: `starting the ${req.backend} backend…` });
  if (req.backend === 'webgl' && typeof OffscreenCanvas === 'undefined') {
    throw new SteadygradError(
      'BACKEND_UNAVAILABLE',
      'WebGL in a worker needs OffscreenCanvas, which this browser lacks: pick the wasm or cpu backend',
    );
  }
  if (req.backend === 'auto') post({ type: 'status', text: 'timing WebGL and WebAssembly on this device…' });
  const info =
    req.backend === 'auto'
      ? await fastestForSeedCell5((line) => post({ type: 'log', line }))
      : await useBackend(req.backend);
  post({ type: 'backend', name: tf.getBackend(), requested: req.backend });
  post({ type: 'status', text: 'loading Fashion-MNIST…' });
  const data = await loadSubset(req.dataUrl);
  post({ type: 'data', train: data.train.count, test: data.test.count });
  const probe = makeProbe(data, 64, 24);
  const live = new LiveCallback(post, probe);
  const ctx: ExperimentContext = {
    backend: info.name,
    requestedBackend: req.backend,
    // The page trains in a browser tab: always the scaled-down settings (its form's values override them).
    profile: 'quick',
    epochs: req.epochs,
    batchSize: req.batchSize,
    seed: req.seed,
    limit: req.limit,
    seeds: req.seeds,
    learningRate: req.learningRate,
    log: (line) => post({ type: 'log', line }),
    verbose: 0,
    loadFashionMnist: () => loadSubset(req.dataUrl),
    callbacks: [live],
    onEvent: (event) => live.event(event),
  };
  post({ type: 'status', text: `running ${experiment.name}…` });
  try {
    const result = await experiment.run(ctx);
    post({ type: 'done', result: plain(result), memory: memorySample() });
  } finally {
    tf.dispose([probe.x, probe.y]);
  }
}

scope.onmessage = (e) => {
  run(e.data).catch((err: unknown) => {
    const code = isSteadygradError(err) ? err.code : undefined;
    post({ type: 'error', message: err instanceof Error ? err.message : String(err), code });
  });
};
