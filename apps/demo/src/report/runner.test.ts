import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArguments, lastLine, runExperiment, runPool } from './runner.js';

// A stand-in for the demo CLI: echoes its arguments as the JSON line, logs on stderr; 'broken' exits 1,
// 'garbled' prints no JSON.
const STAND_IN = `
const [name, ...rest] = process.argv.slice(2);
console.error('steadygrad demo ' + name);
if (name === 'broken') { console.error('error [NOT_FOUND]: no data'); process.exit(1); }
console.log('some log line');
console.log(name === 'garbled' ? 'not json' : JSON.stringify({ experiment: name, args: rest }));
`;
let dir: string;
let cli: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-runner-'));
  cli = join(dir, 'cli.mjs');
  await writeFile(cli, STAND_IN);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('report runner', () => {
  it('passes --json, the profile and the flags, and parses the last stdout line', async () => {
    const spec = { experiment: 'bn', profile: 'quick' as const, args: ['--seeds', '2'] };
    expect(cliArguments(spec)).toEqual(['bn', '--json', '--profile', 'quick', '--seeds', '2']);
    const logs: string[] = [];
    const outcome = await runExperiment(spec, { cli, onLog: (l) => logs.push(l) });
    expect(outcome.ok).toBe(true);
    expect(outcome.ok && outcome.result).toEqual({
      experiment: 'bn',
      args: ['--json', '--profile', 'quick', '--seeds', '2'],
    });
    expect(outcome.seconds).toBeGreaterThan(0);
    expect(logs).toEqual(['steadygrad demo bn']);
  });

  it('extra flags follow the spec’s (they are not part of what is cached)', async () => {
    const spec = { experiment: 'mlp', profile: 'notebook' as const, args: [] };
    const outcome = await runExperiment(spec, { cli, extraArgs: ['--threads', '2'] });
    expect(outcome.ok && outcome.result).toEqual({
      experiment: 'mlp',
      args: ['--json', '--profile', 'notebook', '--threads', '2'],
    });
  });

  it('a failing or garbled run is an outcome naming the command and its last error line', async () => {
    const broken = await runExperiment({ experiment: 'broken', profile: 'notebook', args: [] }, { cli });
    expect(broken).toMatchObject({
      ok: false,
      error: "'pnpm demo broken --json --profile notebook' exited with code 1: error [NOT_FOUND]: no data",
    });
    const garbled = await runExperiment({ experiment: 'garbled', profile: 'notebook', args: [] }, { cli });
    expect(garbled.ok).toBe(false);
    expect(!garbled.ok && garbled.error).toMatch(/^the last output line is not JSON: /);
  });

  it('runs a pool with at most `jobs` at once, results in order', async () => {
    let running = 0;
    let most = 0;
    const task = (i: number) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5 * (5 - i)));
      running--;
      return i;
    };
    expect(await runPool([0, 1, 2, 3, 4].map(task), 2)).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(await runPool([], 3)).toEqual([]);
  });

  it('lastLine skips trailing blank lines', () => {
    expect(lastLine('a\nb\n\n')).toBe('b');
    expect(lastLine('')).toBe('');
  });
});
