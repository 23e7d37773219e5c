#!/usr/bin/env node
// Issue 23's bar, one test of `npm test` where the tensorflow backend is installed (`npm run setup` or
// `npm run setup:tensorflow`): `pnpm demo mlp --backend tensorflow --quick --epochs 1 --json` (the README's command, run
// here as `node apps/demo/dist/cli.js …` so that it needs no pnpm on PATH) trains on the tensorflow backend to a
// test accuracy of at least 0.80 with no leaked tensor.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const args = [
  'apps/demo/dist/cli.js',
  'mlp',
  '--backend',
  'tensorflow',
  '--quick',
  '--epochs',
  '1',
  '--json',
];
const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
const last = r.stdout.trim().split('\n').pop() ?? '';
let result;
try {
  result = JSON.parse(last);
} catch {
  console.error(`check-demo: the demo printed no JSON line (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  process.exit(1);
}
const ok =
  r.status === 0 &&
  result.backend === 'tensorflow' &&
  result.testAccuracy >= 0.8 &&
  result.tensorsLeaked === 0;
console.log(
  `check-demo: mlp on ${result.backend}: test accuracy ${result.testAccuracy}, ${result.secondsPerEpoch?.toFixed(1)} s/epoch, tensors leaked ${result.tensorsLeaked}: ${ok ? 'ok' : 'FAILED (needs backend tensorflow, accuracy >= 0.80, 0 leaked)'}`,
);
process.exit(ok ? 0 : 1);
