#!/usr/bin/env node
// `npm run setup`: everything a fresh machine with only Node >= 20 and npm needs, then the demo.
//   1. pnpm (the version pinned in package.json), 2. dependencies, 3. Fashion-MNIST
//   (Debian: the dataset-fashion-mnist package; elsewhere the demo downloads it, SHA-256 verified),
//   4. on Debian as root: Chromium for the browser tests, 5. build (with the demo's web page and its
//   data subset), 6. the native `tensorflow` backend (`npm run setup:tensorflow`, tooling/scripts/
//   setup-tensorflow.mjs: tfjs-node's download, else its binding built from the TensorFlow wheel pip fetches;
//   optional: when it cannot be had, setup says why and goes on without it), 7. the demo
//   (`pnpm demo mlp --quick --epochs 1`, on `tensorflow` when step 6 gave it).
// Flags: --no-tensorflow skips step 6, --no-demo skips step 7.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensurePnpm, runPnpm } from './pnpm.mjs';

const args = new Set(process.argv.slice(2));
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`steadygrad needs Node >= 20, this is ${process.versions.node}`);
  process.exit(1);
}

const pnpm = ensurePnpm();
runPnpm(pnpm, ['install', '--frozen-lockfile']);

const DEBIAN_DATASET = '/usr/share/datasets/fashion-mnist';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
const aptPackages = [];
if (!existsSync(DEBIAN_DATASET) && !process.env.FASHION_MNIST_DIR) aptPackages.push('dataset-fashion-mnist');
if (!existsSync('/usr/bin/chromium')) aptPackages.push('chromium');
if (aptPackages.length > 0 && isDebian && isRoot) {
  console.log(`setup: apt-get install ${aptPackages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', ...aptPackages], { stdio: 'inherit', env });
  if (r.status !== 0) console.log('setup: apt-get failed; the demo will download Fashion-MNIST instead');
} else if (aptPackages.includes('dataset-fashion-mnist')) {
  console.log(
    'setup: Fashion-MNIST is not installed; the demo downloads it into ~/.cache/steadygrad (SHA-256 verified)',
  );
}

// Built after the data is in place: the demo's web build packs a Fashion-MNIST subset (scripts/make-subset.mjs).
runPnpm(pnpm, ['run', 'build']);

if (!args.has('--no-tensorflow')) {
  const script = new URL('./setup-tensorflow.mjs', import.meta.url).pathname;
  const r = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.log(
      'setup: the optional tensorflow backend is not installed (see above); everything else works without it. ' +
        'Retry with `npm run setup:tensorflow [--from-wheel FILE | --libtensorflow DIR]`.',
    );
  }
}

if (!args.has('--no-demo')) runPnpm(pnpm, ['demo', 'mlp', '--quick', '--epochs', '1']);
console.log('setup: done. Run the tests with `npm test`.');
