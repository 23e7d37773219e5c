// Issue 19's size bars, in `npm test`: no source file over 400 lines outside generated code, and the trainer a
// facade under 250. A file over the limit is a file of several concepts: split it (see ARCHITECTURE.md).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lineCount, MAX_LINES, oversized, ROOT, sourceFiles } from './source-files.mjs';

const files = ['packages', 'apps', 'tooling'].flatMap((d) => sourceFiles(join(ROOT, d)));

test('the scan sees the sources it guards', () => {
  for (const f of [
    'packages/train/src/trainer.ts',
    'packages/core/src/index.ts',
    'apps/demo/web/src/main.ts',
  ])
    assert.ok(files.includes(f), `${f} not scanned`);
  assert.ok(files.length > 300, `only ${files.length} files scanned`);
  assert.ok(!files.some((f) => f.includes('/node_modules/') || f.includes('/dist/')));
});

test('lineCount counts like wc -l, and oversized names the file, its count and its limit', () => {
  assert.equal(lineCount(''), 0);
  assert.equal(lineCount('a\n'), 1);
  assert.equal(lineCount('a\nb'), 2);
  const text = (n) => 'x\n'.repeat(n);
  assert.deepEqual(
    oversized(['a.ts', 'b.ts'], (f) => text(f === 'a.ts' ? 400 : 401)),
    ['b.ts: 401 lines (limit 400)'],
  );
  assert.deepEqual(
    oversized(['packages/train/src/trainer.ts'], () => text(251)),
    ['packages/train/src/trainer.ts: 251 lines (limit 250)'],
  );
});

test(`no source file is over ${MAX_LINES} lines, and trainer.ts is under 250`, () => {
  assert.deepEqual(
    oversized(files, (f) => readFileSync(join(ROOT, f), 'utf8')),
    [],
  );
});
