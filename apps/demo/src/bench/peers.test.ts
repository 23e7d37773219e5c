import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { peerPython } from './peers.js';

describe('peerPython', () => {
  const dirs: string[] = [];
  const repo = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'steadygrad-peers-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('takes $STEADYGRAD_BENCH_PYTHON first, even where the bench:peers venv exists', () => {
    const root = repo();
    mkdirSync(join(root, '.venv-peers/bin'), { recursive: true });
    writeFileSync(join(root, '.venv-peers/bin/python'), '');
    expect(peerPython(root, { STEADYGRAD_BENCH_PYTHON: '/opt/py/bin/python' })).toBe('/opt/py/bin/python');
  });

  it('then the venv `pnpm bench:peers` made, then /usr/bin/python3', () => {
    const root = repo();
    expect(peerPython(root, {})).toBe('/usr/bin/python3');
    expect(peerPython(root, { STEADYGRAD_BENCH_PYTHON: '' })).toBe('/usr/bin/python3');
    mkdirSync(join(root, '.venv-peers/bin'), { recursive: true });
    writeFileSync(join(root, '.venv-peers/bin/python'), '');
    expect(peerPython(root, {})).toBe(join(root, '.venv-peers/bin/python'));
  });
});
