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
// Then the same with `--threads 1` (README: on tensorflow it sizes TensorFlow's intra-op pool): the demo must say
// so in its first line and meet the same bar.
let failed = false;
for (const extra of [[], ['--threads', '1']]) {
  const r = spawnSync(process.execPath, [...args, ...extra], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let result;
  try {
    result = JSON.parse(last);
  } catch {
    console.error(`check-demo: the demo printed no JSON line (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    process.exit(1);
  }
  const threadsSaid =
    extra.length === 0 || /on the tensorflow backend .*, 1 TensorFlow thread\b/.test(r.stderr);
  const ok =
    r.status === 0 &&
    result.backend === 'tensorflow' &&
    result.testAccuracy >= 0.8 &&
    result.tensorsLeaked === 0 &&
    threadsSaid;
  if (!ok) failed = true;
  console.log(
    `check-demo${extra.length > 0 ? ` ${extra.join(' ')}` : ''}: mlp on ${result.backend}: test accuracy ${result.testAccuracy}, ${result.secondsPerEpoch?.toFixed(1)} s/epoch, tensors leaked ${result.tensorsLeaked}${extra.length > 0 ? `, TensorFlow threads said: ${threadsSaid}` : ''}: ${ok ? 'ok' : 'FAILED (needs backend tensorflow, accuracy >= 0.80, 0 leaked)'}`,
  );
}
process.exit(failed ? 1 : 0);
