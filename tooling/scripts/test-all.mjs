#!/usr/bin/env node
// `npm test`: every check and every test of the workspace — lint, typecheck, unit and integration tests of
// every package, the release checks (changesets, packed tarballs: file lists, publint, attw) and the consumer
// test (every package installed from its tarball into a fresh npm project, its snippet and README examples
// type-checked and run), the browser consumer test (the tarballs in a fresh Vite app run in Chromium on WebGL)
// — and one closing line `tests: N passed, N failed`. Where `npm run setup` (or `npm run setup:tensorflow`)
// gave tfjs-node its binding, every package's tests run a second time on the `tensorflow` backend
// (STEADYGRAD_TEST_BACKEND=tensorflow, read by tooling/vitest/setup.js; a test whose result legitimately differs
// there says so by name) and count in that line too, and the README's `pnpm demo mlp --backend tensorflow
// --quick --epochs 1 --json` is one more test (tooling/scripts/tensorflow/check-demo.mjs: test accuracy >= 0.80, no
// leaked tensor).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePnpm, runPnpm } from './pnpm.mjs';
import { tensorflowInstalled } from './tensorflow/binding.mjs';

const pnpm = ensurePnpm({ install: false });
runPnpm(pnpm, ['run', 'build']);
runPnpm(pnpm, ['exec', 'biome', 'check', '.']);
runPnpm(pnpm, ['run', 'typecheck']);

// Release checks: each counts as one test. The tarballs check-packages packs are reused by the consumer test.
const ROOT = new URL('../../', import.meta.url).pathname;
const packDir = mkdtempSync(join(tmpdir(), 'steadygrad-test-pack-'));
const releaseChecks = [
  ['tooling/release/check-changesets.mjs'],
  ['tooling/release/check-packages.mjs', '--pack-dir', packDir],
].map(([script, ...args]) => {
  const r = spawnSync(process.execPath, [join(ROOT, script), ...args], { stdio: 'inherit', cwd: ROOT });
  return r.status === 0;
});
// The API reference: `pnpm docs:api` (the command the READMEs give; TypeDoc over every package's src/index.ts,
// writing docs/api), here without writing anything. typedoc.json makes an undocumented export, a broken link or
// any other warning fail it (validation.notDocumented, treatWarningsAsErrors).
releaseChecks.push(
  spawnSync(pnpm.cmd, [...pnpm.args, 'run', 'docs:api', '--emit', 'none', '--logLevel', 'Warn'], {
    stdio: 'inherit',
    cwd: ROOT,
  }).status === 0,
);

function runCapturing(args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(pnpm.cmd, [...pnpm.args, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    const forward = (stream, target) =>
      stream.on('data', (chunk) => {
        out += chunk;
        target.write(chunk);
      });
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code, out }));
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colours from vitest output
const plain = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
// The bench's Python peers (README: `pnpm bench:peers`), before the tests so that the bench's smoke test runs
// PyTorch 2 and Keras 3 from the venv it makes. One test; where no pip index is reachable (its exit status 3) it
// is reported and not counted, and the bench test checks that the peers are skipped instead.
const peers = spawnSync(pnpm.cmd, [...pnpm.args, 'run', 'bench:peers'], { stdio: 'inherit', cwd: ROOT });
if (peers.status === 3)
  console.log('test-all: no pip index reachable: the bench runs without its Python peers');
else releaseChecks.push(peers.status === 0);
const turboTest = ['exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue'];
const { code, out } = await runCapturing(turboTest);
let passed = releaseChecks.filter(Boolean).length;
let failed = releaseChecks.length - passed;
/** Adds the vitest summaries (`Tests  N passed | N failed`) of a turbo run's output. */
function countVitest(text) {
  for (const line of plain(text).split('\n')) {
    const m = line.match(/^\S*:test:\s+Tests\s+(.*)$/) ?? line.match(/^\s*Tests\s+(.*)$/);
    if (!m) continue;
    passed += Number(m[1].match(/(\d+) passed/)?.[1] ?? 0);
    failed += Number(m[1].match(/(\d+) failed/)?.[1] ?? 0);
  }
}
countVitest(out);
// The second pass: the same tests on the native TensorFlow backend, and its demo bar, where it is installed.
let tensorflowCode = 0;
if (tensorflowInstalled(ROOT)) {
  console.log('test-all: second pass, every package on the tensorflow backend (tfjs-node)');
  const second = await runCapturing(turboTest, { ...process.env, STEADYGRAD_TEST_BACKEND: 'tensorflow' });
  tensorflowCode = second.code;
  countVitest(second.out);
  const demo = spawnSync(process.execPath, [join(ROOT, 'tooling/scripts/tensorflow/check-demo.mjs')], {
    stdio: 'inherit',
    cwd: ROOT,
  });
  if (demo.status === 0) passed += 1;
  else failed += 1;
} else {
  console.log(
    'test-all: no tensorflow backend (tfjs-node has no binding; `npm run setup:tensorflow`): one pass',
  );
}
// Unit tests of the release and consumer tooling, and the architecture lints (kernel boundary, file sizes; node:test).
const toolTests = spawnSync(
  process.execPath,
  ['--test', 'tooling/release/', 'tooling/consumer/', 'tooling/lint/'],
  {
    cwd: ROOT,
    encoding: 'utf8',
  },
);
process.stdout.write(
  `${toolTests.stdout
    .split('\n')
    .filter((l) => /^(not ok|# (pass|fail))/.test(l))
    .join('\n')}\n`,
);
if (toolTests.status !== 0) process.stdout.write(toolTests.stdout + toolTests.stderr);
passed += Number(toolTests.stdout.match(/^# pass (\d+)/m)?.[1] ?? 0);
failed += Number(toolTests.stdout.match(/^# fail (\d+)/m)?.[1] ?? 0) + (toolTests.status !== 0 ? 1 : 0);

// Consumer test: every snippet and README example is one test.
const consumer = await new Promise((resolve) => {
  const child = spawn(process.execPath, [join(ROOT, 'tooling/consumer/run.mjs'), '--pack-dir', packDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: ROOT,
  });
  let text = '';
  child.stdout.on('data', (chunk) => {
    text += chunk;
    process.stdout.write(chunk);
  });
  child.on('close', (status) => resolve({ status, text }));
});
const summary = consumer.text.match(/consumer: (\d+) passed, (\d+) failed/);
passed += Number(summary?.[1] ?? 0);
failed += summary ? Number(summary[2]) : 1;
if (consumer.status !== 0 && (!summary || Number(summary[2]) === 0)) failed += 1;

// Browser consumer test: the tarballs in a fresh Vite app, built, served, run in Chromium on WebGL; each of
// its checks is one test.
const browserConsumer = await new Promise((resolve) => {
  const child = spawn(process.execPath, [join(ROOT, 'tooling/consumer/browser.mjs'), '--pack-dir', packDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: ROOT,
  });
  let text = '';
  child.stdout.on('data', (chunk) => {
    text += chunk;
    process.stdout.write(chunk);
  });
  child.on('close', (status) => resolve({ status, text }));
});
rmSync(packDir, { recursive: true, force: true });
const browserSummary = browserConsumer.text.match(/browser-consumer: (\d+) passed, (\d+) failed/);
passed += Number(browserSummary?.[1] ?? 0);
failed += browserSummary ? Number(browserSummary[2]) : 1;
if (browserConsumer.status !== 0 && (!browserSummary || Number(browserSummary[2]) === 0)) failed += 1;

// The demo's browser test: headless Chromium on the static web build (apps/demo/e2e).
const e2e = await runCapturing(['run', 'test:e2e']);
const e2eTests = plain(e2e.out).match(/^\s*Tests\s+(.*)$/m)?.[1] ?? '';
passed += Number(e2eTests.match(/(\d+) passed/)?.[1] ?? 0);
failed +=
  Number(e2eTests.match(/(\d+) failed/)?.[1] ?? 0) + (e2e.code !== 0 && !/failed/.test(e2eTests) ? 1 : 0);

console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(code === 0 && tensorflowCode === 0 && failed === 0 && passed > 0 ? 0 : 1);
