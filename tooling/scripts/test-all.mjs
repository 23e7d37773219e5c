#!/usr/bin/env node
// `npm test`: every check and every test of the workspace — lint, typecheck, unit and integration tests of
// every package — and one closing line `tests: N passed, N failed`.
import { spawn } from 'node:child_process';
import { ensurePnpm, runPnpm } from './pnpm.mjs';

const pnpm = ensurePnpm({ install: false });
runPnpm(pnpm, ['run', 'build']);
runPnpm(pnpm, ['exec', 'biome', 'check', '.']);
runPnpm(pnpm, ['run', 'typecheck']);

function runCapturing(args) {
  return new Promise((resolve) => {
    const child = spawn(pnpm.cmd, [...pnpm.args, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
const { code, out } = await runCapturing(['exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue']);
let passed = 0;
let failed = 0;
for (const line of plain(out).split('\n')) {
  const m = line.match(/^\S*:test:\s+Tests\s+(.*)$/) ?? line.match(/^\s*Tests\s+(.*)$/);
  if (!m) continue;
  passed += Number(m[1].match(/(\d+) passed/)?.[1] ?? 0);
  failed += Number(m[1].match(/(\d+) failed/)?.[1] ?? 0);
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(code === 0 && failed === 0 && passed > 0 ? 0 : 1);
