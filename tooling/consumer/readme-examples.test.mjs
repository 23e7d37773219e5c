import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractExamples, isRunnable, toModule } from './readme-examples.mjs';

const md = [
  '# x',
  '```ts',
  "import { a } from '@steadygrad/a';",
  'a();',
  '```',
  'text',
  '<!-- setup',
  'const data = 1;',
  '-->',
  '',
  '```ts',
  "import { b } from '@steadygrad/b';",
  'b(data);',
  '```',
  '```ts signature',
  'declare function f(): void;',
  '```',
  '```sh',
  'npm i',
  '```',
].join('\n');

test('extracts ts blocks with their line, fence info and hidden setup', () => {
  const ex = extractExamples(md);
  assert.equal(ex.length, 3);
  assert.deepEqual(
    ex.map((e) => [e.line, e.info, e.setup, isRunnable(e)]),
    [
      [2, '', '', true],
      [11, '', 'const data = 1;', true],
      [15, 'signature', '', false],
    ],
  );
});

test('a module puts imports first, then the setup, then the example, and is an ES module', () => {
  const ex = extractExamples(md)[1];
  const code = toModule(ex, 'README.md:11');
  const lines = code.split('\n');
  assert.match(lines[0], /README\.md:11/);
  assert.equal(lines[1], "import { b } from '@steadygrad/b';");
  assert.ok(code.indexOf('const data = 1;') < code.indexOf('b(data);'));
  assert.ok(code.trimEnd().endsWith('export {};'));
});

test('a setup comment is dropped when text comes between it and the fence', () => {
  const ex = extractExamples('<!-- setup\nconst x = 1;\n-->\nsome text\n```ts\nx;\n```');
  assert.equal(ex[0].setup, '');
});
