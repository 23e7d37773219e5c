// The demo README's `pnpm demo --list`: the root script `demo` runs this package's `cli` script, `node dist/cli.js`.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
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
