// Issue 20, item 9: the demo's commands reject a malformed command line — unknown flags, flags without a
// value, malformed numbers — with `error: …` and the usage line on stderr and exit code 2, no stack; a
// dataset folder that is /dev/zero, a FIFO or a file, or a dataset file that is a folder, is a precise typed
// error (exit 1) before anything trains; and the root `pnpm soak` runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const demo = join(repo, 'apps/demo/dist');

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'steadygrad-cli-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(script: string, args: readonly string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(demo, script), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NO_STACK = /^\s+at /m;

const usageCases: { script: string; args: string[]; message: string }[] = [
  {
    script: 'cli.js',
    args: ['mlp', '--epochs', '-1'],
    message: "Option '--epochs' argument is ambiguous.",
  },
  {
    script: 'cli.js',
    args: ['mlp', '--epochs=-1'],
    message: "--epochs needs an integer >= 1 in decimal digits, got '-1'",
  },
  { script: 'cli.js', args: ['mlp', '--epochs', '0'], message: '--epochs needs an integer >= 1, got 0' },
  {
    script: 'cli.js',
    args: ['mlp', '--seed', ''],
    message: "--seed needs an integer >= 0 in decimal digits, got ''",
  },
  {
    script: 'cli.js',
    args: ['mlp', '--seed', '0x10'],
    message: "--seed needs an integer >= 0 in decimal digits, got '0x10'",
  },
  {
    script: 'cli.js',
    args: ['mlp', '--seed', '1e3'],
    message: "--seed needs an integer >= 0 in decimal digits, got '1e3'",
  },
  {
    script: 'cli.js',
    args: ['mlp', '--batch-size', '3.5'],
    message: "--batch-size needs an integer >= 1 in decimal digits, got '3.5'",
  },
  { script: 'cli.js', args: ['mlp', '--epoch', '3'], message: "Unknown option '--epoch'." },
  { script: 'cli.js', args: ['mlp', '--epochs'], message: "Option '--epochs <value>' argument missing" },
  { script: 'cli.js', args: ['mlp', '--json=yes'], message: "Option '--json' does not take an argument" },
  { script: 'cli.js', args: ['mlpp'], message: "unknown experiment 'mlpp'; expected one of: " },
  { script: 'cli.js', args: ['mlp', 'bn'], message: "one experiment at a time, got 'mlp', 'bn'" },
  { script: 'cli.js', args: [], message: 'which experiment?' },
  {
    script: 'cli.js',
    args: ['mlp', '--profile', 'full'],
    message: "--profile must be one of notebook, quick, got 'full'",
  },
  {
    script: 'cli.js',
    args: ['mlp', '--quick', '--profile', 'notebook'],
    message: '--quick contradicts --profile notebook',
  },
  {
    script: 'cli.js',
    args: ['mlp', '--backend', 'gpu'],
    message: "--backend must be one of auto, cpu, wasm, webgl, tensorflow, got 'gpu'",
  },
  {
    script: 'bench/bench.js',
    args: ['--reps', 'abc'],
    message: "--reps needs an integer >= 1 in decimal digits, got 'abc'",
  },
  {
    script: 'bench/bench.js',
    args: ['--threads', '65'],
    message: '--threads needs an integer from 1 to 64, got 65',
  },
  { script: 'bench/bench.js', args: ['--fast'], message: "Unknown option '--fast'." },
  { script: 'soak.js', args: ['--epochs', '1'], message: '--epochs needs an integer >= 2, got 1' },
  {
    script: 'soak.js',
    args: ['--limit', '10k'],
    message: "--limit needs an integer >= 1 in decimal digits, got '10k'",
  },
];

describe('demo command lines', () => {
  for (const c of usageCases) {
    it(`${c.script} ${c.args.map((a) => JSON.stringify(a)).join(' ')} → usage, exit 2`, () => {
      const r = run(c.script, c.args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`error: ${c.message}`);
      expect(r.stderr).toMatch(/\nusage: pnpm (demo|bench|soak) /);
      expect(r.stderr).not.toMatch(NO_STACK);
      expect(r.stdout).toBe('');
    });
  }

  it('a dataset folder that is /dev/zero, a FIFO or a file, or a dataset file that is a folder, is named', () => {
    const fifo = join(root, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const file = join(root, 'plain-file');
    writeFileSync(file, 'x');
    const cases: [string, RegExp][] = [
      [
        '/dev/zero',
        /error \[INVALID_ARGUMENT\]: \$FASHION_MNIST_DIR = \/dev\/zero is a character device, not a folder/,
      ],
      [
        fifo,
        /error \[INVALID_ARGUMENT\]: \$FASHION_MNIST_DIR = .*fifo is a FIFO \(named pipe\), not a folder/,
      ],
      [
        file,
        /error \[INVALID_ARGUMENT\]: \$FASHION_MNIST_DIR = .*plain-file is a regular file, not a folder/,
      ],
      [
        join(root, 'nowhere'),
        /error \[NOT_FOUND\]: Fashion-MNIST not found: \$FASHION_MNIST_DIR = .*nowhere does not exist/,
      ],
    ];
    const withFolder = join(root, 'with-folder');
    mkdirSync(join(withFolder, 'train-images-idx3-ubyte'), { recursive: true });
    cases.push([
      withFolder,
      /error \[CORRUPT_DATA\]: Fashion-MNIST file .*train-images-idx3-ubyte is a folder, not a regular file/,
    ]);
    for (const [dir, message] of cases) {
      const r = run('cli.js', ['mlp', '--epochs', '1', '--limit', '64', '--backend', 'cpu'], {
        FASHION_MNIST_DIR: dir,
      });
      expect(r.status, `${dir}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(NO_STACK);
    }
  });

  it('the root `pnpm soak` runs (a short soak: no tensor or backend byte grows after the first epoch)', () => {
    const r = spawnSync(
      'pnpm',
      ['soak', '--epochs', '2', '--limit', '256', '--batch-size', '64', '--backend', 'cpu', '--json'],
      {
        cwd: repo,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
    expect(result).toMatchObject({ epochs: 2, backend: 'cpu', tensorsGrowth: 0, bytesGrowth: 0 });
    expect(result.samples).toHaveLength(2);
  }, 150_000);
});
