import './style.css';
import { color, Heatmap, LineChart } from './charts.js';
import { $ } from './dom.js';
import { experimentCards } from './experiment-cards.js';
import { type FieldErrors, type FormInput, validateForm } from './form.js';
import type { ExperimentInfo, MemorySample, RunRequest, WorkerMessage } from './protocol.js';

const form = $<HTMLFormElement>('run-form');
const statusEl = $<HTMLParagraphElement>('status');
const runButton = $<HTMLButtonElement>('run');
const stopButton = $<HTMLButtonElement>('stop');
const experimentSelect = $<HTMLSelectElement>('experiment');
const logEl = $<HTMLPreElement>('log');
const FIELDS: readonly (keyof FormInput)[] = [
  'experiment',
  'backend',
  'seed',
  'epochs',
  'batchSize',
  'learningRate',
  'limit',
];

const lossChart = new LineChart($('chart-loss'), 'epoch');
const accuracyChart = new LineChart($('chart-accuracy'), 'epoch');
const lrChart = new LineChart($('chart-lr'), 'epoch');
const memoryChart = new LineChart($('chart-memory'), 'epoch');
const heatmap = new Heatmap($('chart-gradients'), 'step');
const cards = experimentCards({
  log: (line) => log(line),
  predictionsShown: (count) => {
    demo.predictions = count;
  },
});

type State = 'starting' | 'ready' | 'loading' | 'training' | 'done' | 'stopped' | 'error';

/** What the browser test (and a curious user in the console) can read: `window.__steadygrad`. */
interface DemoState {
  state: State;
  backend: string | undefined;
  experiments: ExperimentInfo[];
  epochs: {
    run: number;
    epoch: number;
    logs: Record<string, number>;
    memory: MemorySample;
    seconds: number;
  }[];
  batches: number;
  gradientRecords: number;
  predictions: number;
  trainImages: number;
  result: unknown;
  error: string | undefined;
  stoppedAt: number | undefined;
  series(): Record<string, Record<string, number> | number>;
}

const demo: DemoState = {
  state: 'starting',
  backend: undefined,
  experiments: [],
  epochs: [],
  batches: 0,
  gradientRecords: 0,
  predictions: 0,
  trainImages: 0,
  result: undefined,
  error: undefined,
  stoppedAt: undefined,
  series: () => ({
    loss: lossChart.counts(),
    accuracy: accuracyChart.counts(),
    lr: lrChart.counts(),
    memory: memoryChart.counts(),
    gradientCells: heatmap.size,
    predictions: demo.predictions,
  }),
};
(window as unknown as { __steadygrad: DemoState }).__steadygrad = demo;

function setState(state: State, text: string): void {
  demo.state = state;
  statusEl.dataset.state = state;
  statusEl.textContent = text;
  const busy = state === 'loading' || state === 'training';
  runButton.disabled = busy || demo.experiments.length === 0;
  stopButton.disabled = !busy;
}

function log(line: string): void {
  logEl.textContent += `${line}\n`;
  logEl.scrollTop = logEl.scrollHeight;
}

// ---------------------------------------------------------------- the worker

let worker: Worker | undefined;
let workerReady: Promise<void> | undefined;

function spawnWorker(): void {
  const w = new Worker(new URL('./worker.ts', import.meta.url), {
    type: 'module',
    name: 'steadygrad-training',
  });
  worker = w;
  workerReady = new Promise((resolve) => {
    w.onmessage = (e: MessageEvent<WorkerMessage>) => {
      if (w !== worker) return; // a stopped worker's last words
      if (e.data.type === 'hello') resolve();
      onMessage(e.data);
    };
  });
  w.onerror = (e) => {
    if (w !== worker) return;
    e.preventDefault();
    fail(`the training worker failed: ${e.message || 'it could not start'}`);
  };
}

function retireWorker(): void {
  worker?.terminate();
  worker = undefined;
  spawnWorker();
}

function fail(message: string): void {
  demo.error = message;
  log(`error: ${message}`);
  setState('error', `error: ${message}`);
}

let currentRun = 0;
let runLabels = new Map<number, string>();

function onMessage(m: WorkerMessage): void {
  switch (m.type) {
    case 'hello':
      if (demo.experiments.length === 0) {
        demo.experiments = [...m.experiments];
        for (const e of m.experiments) experimentSelect.add(new Option(e.name, e.name));
        describeExperiment();
        setState('ready', `ready: ${m.experiments.length} experiments; pick one and press Train`);
      }
      break;
    case 'status':
      setState(demo.state === 'training' ? 'training' : 'loading', m.text);
      break;
    case 'log':
      log(m.line);
      break;
    case 'backend':
      demo.backend = m.name;
      log(`backend: ${m.name}`);
      break;
    case 'data':
      log(`Fashion-MNIST subset: ${m.train} training and ${m.test} test images`);
      break;
    case 'fit-begin':
      currentRun = m.run;
      runLabels.set(m.run, m.label);
      heatmap.clear();
      setState('training', `training ${m.label}: ${m.epochs} epochs × ${m.steps} steps on ${demo.backend}`);
      break;
    case 'batch': {
      demo.batches++;
      const x = m.epoch + (m.batch + 1) / m.steps;
      const label = runLabels.get(m.run) ?? `fit ${m.run}`;
      const c = color(m.run - 1);
      lossChart.add(`${m.run}:batch`, `${label} · batch (running mean)`, { color: c }, { x, y: m.loss });
      if (m.accuracy !== undefined) {
        accuracyChart.add(
          `${m.run}:batch`,
          `${label} · batch (running mean)`,
          { color: c },
          { x, y: m.accuracy },
        );
      }
      if (m.lr !== undefined) lrChart.add(`${m.run}`, label, { color: c }, { x, y: m.lr });
      statusEl.textContent = `training ${label}: epoch ${m.epoch + 1}, step ${m.batch + 1}/${m.steps} — loss ${m.loss.toFixed(4)}${m.accuracy === undefined ? '' : `, accuracy ${m.accuracy.toFixed(4)}`}`;
      break;
    }
    case 'epoch': {
      demo.epochs.push({
        run: m.run,
        epoch: m.epoch,
        logs: { ...m.logs },
        memory: m.memory,
        seconds: m.seconds,
      });
      demo.backend = m.backend;
      const x = m.epoch + 1;
      const label = runLabels.get(m.run) ?? `fit ${m.run}`;
      const c = color(m.run - 1);
      const pt = { color: c, points: true };
      lossChart.add(`${m.run}:loss`, `${label} · loss`, pt, { x, y: m.logs.loss ?? Number.NaN });
      lossChart.add(
        `${m.run}:val_loss`,
        `${label} · val_loss`,
        { ...pt, dashed: true },
        { x, y: m.logs.val_loss ?? Number.NaN },
      );
      for (const key of ['accuracy', 'val_accuracy']) {
        if (m.logs[key] !== undefined) {
          accuracyChart.add(
            `${m.run}:${key}`,
            `${label} · ${key}`,
            { ...pt, dashed: key.startsWith('val') },
            { x, y: m.logs[key]! },
          );
        }
      }
      memoryChart.add(`${m.run}`, `${label} · tf.memory().numTensors`, pt, { x, y: m.memory.numTensors });
      const summary = Object.entries(m.logs)
        .filter(([k]) => !k.includes('/'))
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join(', ');
      log(
        `${label} epoch ${x}: ${summary} — ${m.seconds.toFixed(1)} s, ${m.memory.numTensors} tensors, ${(m.memory.numBytes / 1e6).toFixed(2)} MB`,
      );
      break;
    }
    case 'gradients':
      if (m.run === currentRun) {
        demo.gradientRecords++;
        heatmap.addColumn(
          String(m.step),
          m.layers.filter((_, i) => Number.isFinite(m.norms[i]!)),
          m.norms.filter(Number.isFinite),
        );
        const range = heatmap.range;
        if (range !== undefined) {
          $('gradients-range').textContent =
            `colour: 10^${range.min.toFixed(1)} (dark) … 10^${range.max.toFixed(1)} (yellow)`;
        }
      }
      break;
    case 'fit-end':
      break;
    case 'event':
      cards.show(m.event);
      break;
    case 'done':
      demo.result = m.result;
      log(`result: ${JSON.stringify(m.result).slice(0, 600)}`);
      setState('done', `done: ${describeResult(m.result)}`);
      retireWorker();
      break;
    case 'error':
      fail(m.code === undefined ? m.message : `[${m.code}] ${m.message}`);
      retireWorker();
      break;
  }
}

function describeResult(result: unknown): string {
  const r = result as { testAccuracy?: number };
  return typeof r?.testAccuracy === 'number'
    ? `test accuracy ${(r.testAccuracy * 100).toFixed(1)}%`
    : 'see the log';
}

// ---------------------------------------------------------------- the form

function describeExperiment(): void {
  const info = demo.experiments.find((e) => e.name === experimentSelect.value);
  $('experiment-description').textContent = info?.description ?? '';
}
experimentSelect.addEventListener('change', describeExperiment);

function readForm(): FormInput {
  const value = (id: string) => ($(id) as HTMLInputElement | HTMLSelectElement).value;
  return {
    experiment: value('experiment'),
    backend: value('backend'),
    seed: value('seed'),
    epochs: value('epochs'),
    batchSize: value('batchSize'),
    learningRate: value('learningRate'),
    limit: value('limit'),
  };
}

function showErrors(errors: FieldErrors): void {
  for (const field of FIELDS) {
    const message = errors[field];
    $(`${field}-error`).textContent = message ?? '';
    const input = $(field);
    if (message === undefined) input.removeAttribute('aria-invalid');
    else input.setAttribute('aria-invalid', 'true');
  }
}

function resetCharts(): void {
  for (const c of [lossChart, accuracyChart, lrChart, memoryChart]) c.clear();
  heatmap.clear();
  cards.clear();
  $('gradients-range').textContent = '';
  runLabels = new Map();
  Object.assign(demo, {
    epochs: [],
    batches: 0,
    gradientRecords: 0,
    predictions: 0,
    result: undefined,
    error: undefined,
    stoppedAt: undefined,
  });
  logEl.textContent = '';
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (demo.state === 'loading' || demo.state === 'training') return;
  const checked = validateForm(readForm(), {
    experiments: demo.experiments.map((x) => x.name),
    trainImages: demo.trainImages || 60000,
  });
  if (!checked.ok) {
    showErrors(checked.errors);
    setState(demo.state === 'starting' ? 'starting' : 'ready', 'fix the highlighted fields to start a run');
    return;
  }
  showErrors({});
  resetCharts();
  const v = checked.values;
  const request: RunRequest = {
    ...v,
    seeds: undefined,
    dataUrl: new URL('data/', document.baseURI).href,
  };
  setState('loading', `starting ${v.experiment} on ${v.backend}…`);
  await workerReady;
  worker!.postMessage(request);
});

stopButton.addEventListener('click', () => {
  if (demo.state !== 'loading' && demo.state !== 'training') return;
  // Ending the worker stops training at once, whatever the experiment is doing; its GPU memory is freed
  // with it. The charts keep what they showed; a fresh worker is ready for the next run.
  retireWorker();
  demo.stoppedAt = performance.now();
  log('stopped');
  setState('stopped', 'stopped: training was interrupted (the charts keep what they showed)');
});

async function loadManifest(): Promise<void> {
  try {
    const res = await fetch(new URL('data/manifest.json', document.baseURI));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const m = (await res.json()) as { train: number; test: number };
    demo.trainImages = m.train;
    $('limit').setAttribute('placeholder', `all ${m.train}`);
    $('limit-error').textContent = '';
  } catch (e) {
    fail(
      `the Fashion-MNIST subset (data/manifest.json) could not be loaded (${(e as Error).message}); run \`pnpm --filter @steadygrad/demo make-subset\``,
    );
  }
}

setState('starting', 'starting the training worker…');
spawnWorker();
void loadManifest();
