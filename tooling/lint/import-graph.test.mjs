// The import graph of ARCHITECTURE.md in `npm test`: each library package imports only the @steadygrad packages
// below it, tfjs-core, node: built-ins and its declared dependencies, and never a backend.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ALLOWED, importGraphViolations, importsOf, ROOT, violationsOf } from './import-graph.mjs';
import { librarySources } from './kernel-boundary.mjs';

test('reads static, re-export, side-effect and dynamic imports, not look-alikes in code or comments', () => {
  const src = [
    "import { a } from '@steadygrad/nn';",
    "export { b } from '@steadygrad/optim';",
    "import '@tensorflow/tfjs-backend-wasm';",
    "const m = await import('@steadygrad/train');",
    "// import { c } from '@steadygrad/transfer';",
    "if ('from' in selector || 'x') f(range.from, 'y');",
    "import {\n  d,\n  e,\n} from '#checkpoint-io';",
  ].join('\n');
  assert.deepEqual(
    importsOf(src).map((i) => `${i.line}:${i.spec}`),
    [
      '1:@steadygrad/nn',
      '2:@steadygrad/optim',
      '3:@tensorflow/tfjs-backend-wasm',
      '4:@steadygrad/train',
      '10:#checkpoint-io',
    ],
  );
});

test('names an upward import, a backend import and an undeclared dependency, with file and line', () => {
  assert.deepEqual(
    violationsOf('core', 'packages/core/src/x.ts', "import { Dense } from '@steadygrad/nn';"),
    ['packages/core/src/x.ts:1: core may not import @steadygrad/nn (allowed: none)'],
  );
  assert.deepEqual(
    violationsOf(
      'optim',
      'packages/optim/src/x.ts',
      "\nimport { cosineDecay } from '@steadygrad/schedules';",
    ),
    ['packages/optim/src/x.ts:2: optim may not import @steadygrad/schedules (allowed: core)'],
  );
  assert.equal(
    violationsOf('nn', 'f.ts', "import { BatchNormalization } from '@steadygrad/normalization';").length,
    1,
  );
  assert.deepEqual(violationsOf('train', 'f.ts', "import '@tensorflow/tfjs-node';"), [
    "f.ts:1: train imports the backend package '@tensorflow/tfjs-node' (no library imports a backend)",
  ]);
  assert.equal(violationsOf('train', 'f.ts', "import * as tfl from '@tensorflow/tfjs-layers';").length, 1);
  assert.deepEqual(violationsOf('train', 'f.ts', "import bar from 'cli-progress';"), [
    "f.ts:1: train imports 'cli-progress', which is not in its package.json dependencies",
  ]);
  assert.deepEqual(
    violationsOf('train', 'f.ts', "import bar from 'cli-progress';", { 'cli-progress': '^3' }),
    [],
  );
  assert.deepEqual(
    violationsOf(
      'nn',
      'f.ts',
      "import { tf } from '@steadygrad/core';\nimport { readFile } from 'node:fs';\nimport * as t from '@tensorflow/tfjs-core';",
    ),
    [],
  );
});

test('every package has its allowed list, and the scan sees the library imports', () => {
  const files = librarySources();
  const packages = new Set(files.map((f) => f.split('/')[1]));
  assert.deepEqual([...packages].sort(), Object.keys(ALLOWED).sort());
  const ours = files.flatMap((f) =>
    importsOf(readFileSync(join(ROOT, f), 'utf8')).filter((i) => i.spec.startsWith('@steadygrad/')),
  );
  assert.ok(ours.length > 200, `only ${ours.length} @steadygrad imports found`);
});

test('the library packages hold the import graph', () => {
  assert.deepEqual(importGraphViolations(), []);
});
