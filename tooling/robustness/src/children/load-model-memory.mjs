// Child process of model-files-memory.test.ts: loads one (hostile) model directory and reports how much
// the process's peak resident memory grew while the loader ran, and how it failed. Run alone in a fresh
// process so that the peak (getrusage's maxrss) is this load's and nothing else's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf, useBackend } from '@steadygrad/core';
import { fromLayersModel, loadLayersModel } from '@steadygrad/interop';

const [dir, mode, warmDir] = process.argv.slice(2);
await useBackend('cpu');
// Warm up: a small valid load brings in every module and the backend, so the peak below is the loader's.
(await loadLayersModel(warmDir)).dispose();
const base = process.resourceUsage().maxRSS;
const tensorsBefore = tf.memory().numTensors;
let error;
try {
  if (mode === 'files') {
    (await loadLayersModel(dir)).dispose();
  } else {
    // The browser-safe path: the JSON and the weight bytes handed over in memory.
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    fromLayersModel(json, readFileSync(join(dir, 'weights.bin'))).dispose();
  }
} catch (e) {
  error = { name: e?.name, code: e?.code, message: String(e?.message).slice(0, 300) };
}
const growthKiB = process.resourceUsage().maxRSS - base;
process.stdout.write(
  `${JSON.stringify({ error, growthMiB: growthKiB / 1024, tensorsLeaked: tf.memory().numTensors - tensorsBefore })}\n`,
);
