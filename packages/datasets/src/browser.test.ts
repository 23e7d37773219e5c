import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as browser from './browser.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Relative modules reachable from `file` through its import/export statements. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const src = readFileSync(join(here, file), 'utf8');
  for (const m of src.matchAll(/from '(\.\/[^']+)\.js'/g)) closure(`${m[1]!.slice(2)}.ts`, seen);
  return seen;
}

describe('@steadygrad/datasets/browser', () => {
  it('pulls in no Node built-in module (usable in a browser on fetched bytes)', () => {
    const files = [...closure('browser.ts')].sort();
    expect(files).toContain('parse-idx.ts');
    expect(files).not.toContain('read-idx.ts');
    for (const f of files) {
      const src = readFileSync(join(here, f), 'utf8');
      expect([f, /from 'node:/.test(src)]).toEqual([f, false]);
    }
    expect(typeof browser.parseIdx).toBe('function');
    expect(typeof browser.transferSplit).toBe('function');
  });
});
