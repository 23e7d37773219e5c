// The kernel boundary (issue 19), in `npm test` (`node --test tooling/lint/`): no library source file outside
// the kernels' runtime touches tfjs engine or backend internals or branches on a backend's name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatViolations,
  kernelBoundaryViolations,
  librarySources,
  RUNTIME_DIR,
  stripComments,
  violationsIn,
} from './kernel-boundary.mjs';

test('no library file outside the kernels runtime touches tfjs internals or branches on a backend name', () => {
  const v = kernelBoundaryViolations();
  assert.equal(
    v.length,
    0,
    `${v.length} violation(s) of the kernel boundary; move the code into ${RUNTIME_DIR} (docs/kernels.md):\n${formatViolations(v)}`,
  );
});

test('the check reads every package and skips tests, test utilities and the runtime itself', () => {
  const files = librarySources();
  assert.ok(files.includes('packages/core/src/index.ts'));
  assert.ok(files.includes('packages/train/src/index.ts'));
  assert.ok(files.some((f) => f.startsWith(RUNTIME_DIR)));
  assert.equal(files.filter((f) => /\.test\.|\/test-utils\//.test(f)).length, 0);
});

test('the detector finds each kind of violation, with file and line', () => {
  const text = [
    'const a = 1;',
    "if (tf.getBackend() === 'wasm') go();",
    'const s = tf.engine().state;',
    "switch (name) { case 'cpu': break; }",
    'const b = tf.backend() as unknown;',
    "if ('webgl' !== x) stop();",
    'b.dataIdMap.get(id);',
    "tf.registerKernel({ kernelName: 'X', backendName, kernelFunc });",
    "import { Backend } from '@tensorflow/tfjs-backend-wasm';",
  ].join('\n');
  const v = violationsIn('packages/nn/src/x.ts', text);
  assert.deepEqual([...new Set(v.map((x) => x.line))], [2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(v[0].file, 'packages/nn/src/x.ts');
  assert.match(formatViolations(v), /^packages\/nn\/src\/x\.ts:2: /);
  assert.deepEqual(violationsIn(`${RUNTIME_DIR}host-kernel.ts`, text), []);
});

test('comments may name backends and internals; code in strings and regular expressions is still code', () => {
  const text = [
    "/** On `useBackend('wasm')`, tf.engine() is ... */",
    "// if (tf.getBackend() === 'wasm')",
    "const url = 'http://x'; const re = /a\\/b/; if (x === 'wasm') y();",
  ].join('\n');
  assert.deepEqual(
    violationsIn('packages/nn/src/x.ts', text).map((x) => x.line),
    [3],
  );
  assert.equal(stripComments('a // b\nc').length, 'a // b\nc'.length);
  assert.equal(stripComments("'//' + x // y"), "'//' + x     ");
});

test('backend selection may name backends but not touch internals', () => {
  const text = "if (name === 'tensorflow') x();\nconst e = tf.engine();";
  assert.deepEqual(
    violationsIn('packages/core/src/backend.ts', text).map((x) => x.line),
    [2],
  );
});
