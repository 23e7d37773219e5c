// The demo README's `pnpm demo --list`: the root script `demo` runs this package's `cli` script, `node dist/cli.js`.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { profileFlag, UsageError } from '../src/cli-args.js';
import { experiments } from '../src/experiments/index.js';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('demo CLI', () => {
  it('--list prints every experiment with its description, one per line', () => {
    const out = execFileSync(process.execPath, ['dist/cli.js', '--list'], { cwd: app, encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(experiments.length);
    for (const [i, e] of experiments.entries()) {
      expect(lines[i]?.startsWith(e.name)).toBe(true);
      expect(lines[i]).toContain(e.description);
    }
    expect(experiments.map((e) => e.name)).toContain('mlp');
  });
});

describe('demo CLI profiles', () => {
  it('--profile takes notebook or quick; --quick is --profile quick', () => {
    expect(profileFlag(undefined, false)).toBe('notebook');
    expect(profileFlag('quick', false)).toBe('quick');
    expect(profileFlag('notebook', false)).toBe('notebook');
    expect(profileFlag(undefined, true)).toBe('quick');
    expect(profileFlag('quick', true)).toBe('quick');
    expect(() => profileFlag('fast', false)).toThrow(
      new UsageError("--profile must be one of notebook, quick, got 'fast'"),
    );
    expect(() => profileFlag('notebook', true)).toThrow(
      new UsageError('--quick contradicts --profile notebook'),
    );
  });

  it('a bad --profile is a usage error (exit 2, the usage line, nothing run)', () => {
    const r = spawnSync(process.execPath, ['dist/cli.js', 'mlp', '--profile', 'full'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^error: --profile must be one of notebook, quick, got 'full'\nusage: pnpm demo <experiment> \[--profile notebook\|quick \| --quick\]/,
    );
  });
});
