import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Issues 6 and 12: a training process SIGKILLed at a random step — or in the middle of a checkpoint write —
 * and resumed from its latest checkpoint in a new process ends with weights bit-identical to an
 * uninterrupted run, on the cpu and wasm backends. The child (`crash-child.mjs`) uses the BUILT package
 * (`pnpm --filter @steadygrad/train build` first).
 */
const child = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface Outcome {
  weights: number[][] | undefined;
  lines: string[];
  killed: boolean;
}

/** Runs the child; kills it (SIGKILL) as soon as `killWhen` matches an output line. */
function runChild(env: Record<string, string>, killWhen?: (line: string) => boolean): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const p: ChildProcess = spawn(process.execPath, [child], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    let killed = false;
    p.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      let i = buffer.indexOf('\n');
      while (i >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        if (!killed && killWhen?.(line)) {
          killed = true;
          p.kill('SIGKILL');
        }
        i = buffer.indexOf('\n');
      }
    });
    p.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code, signal) => {
      if (!killed && code !== 0) {
        reject(new Error(`child exited with ${code ?? signal}: ${stderr.slice(-2000)}`));
        return;
      }
      const w = lines.find((l) => l.startsWith('WEIGHTS '));
      resolve({ weights: w === undefined ? undefined : JSON.parse(w.slice(8)), lines, killed });
    });
  });
}

describe.each(['cpu', 'wasm'])('SIGKILL and resume on %s', (backend) => {
  it('random steps and mid-write kills all resume to bit-identical weights', async () => {
    const full = await runChild({ BACKEND: backend, MODE: 'full' });
    expect(full.weights).toBeDefined();
    // Kill points: a global step (60 steps in all, checkpoints every 4 steps and at epoch ends), or the
    // n-th checkpoint write while it sleeps between its complete temporary files and the rename.
    const kills: [string, (l: string) => boolean][] =
      backend === 'cpu'
        ? [
            ['step 6', (l) => l === 'STEP 6'],
            ['step 37', (l) => l === 'STEP 37'],
            ['during write 5', (l) => l === 'WRITING 5'],
          ]
        : [
            ['step 22', (l) => l === 'STEP 22'],
            ['during write 3', (l) => l === 'WRITING 3'],
          ];
    // The scenarios run concurrently (separate directories and processes).
    await Promise.all(
      kills.map(async ([name, when]) => {
        const dir = await mkdtemp(join(tmpdir(), `sg-crash-${backend}-`));
        dirs.push(dir);
        const env = { BACKEND: backend, DIR: dir, STEP_DELAY_MS: '15', COMMIT_DELAY_MS: '400' };
        const first = await runChild({ ...env, MODE: 'run' }, when);
        expect(first.killed, `${name}: the child was killed before finishing`).toBe(true);
        expect(first.weights).toBeUndefined();
        const entries = await readdir(dir);
        if (name.startsWith('during')) {
          // The interrupted write left its temporary directory; `latest` still names a complete generation.
          expect(entries.some((e) => e.startsWith('.tmp-ckpt-'))).toBe(true);
        }
        const resumed = await runChild({ ...env, STEP_DELAY_MS: '0', MODE: 'resume' });
        const firstStep = resumed.lines.find((l) => l.startsWith('STEP '));
        expect(firstStep, `${name}: the resumed run started after step 0`).not.toBe('STEP 0');
        expect(resumed.weights, `${name} on ${backend}`).toEqual(full.weights);
      }),
    );
  }, 120_000);
});
