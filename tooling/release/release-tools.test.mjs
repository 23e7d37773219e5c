// Tests of the release tooling's pure parts: `node --test tooling/release/ tooling/consumer/` (npm test runs them).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluate, isPublishedSource, parseChangeset } from './check-changesets.mjs';
import {
  countedAttwProblems,
  fileListProblems,
  manifestProblems,
  sourceMapProblems,
} from './check-packages.mjs';
import { publishablePackages, ROOT, withInternalDeps } from './workspace.mjs';

test('parseChangeset reads the front matter bumps', () => {
  assert.deepEqual(
    parseChangeset('---\n"@steadygrad/nn": minor\n\'@steadygrad/core\': patch\n---\n\nText.\n'),
    {
      '@steadygrad/nn': 'minor',
      '@steadygrad/core': 'patch',
    },
  );
  assert.throws(() => parseChangeset('no front matter', 'x.md'), /x\.md: no front matter/);
  // An empty changeset (`changeset --empty`) names no package.
  assert.deepEqual(parseChangeset('---\n---\n\nThe private demo changed.\n'), {});
  assert.deepEqual(parseChangeset('---\r\n---\r\n'), {});
});

test('only published sources count as changes', () => {
  for (const f of ['src/dense.ts', 'README.md', 'LICENSE', 'package.json', 'src/sub/x.ts'])
    assert.equal(isPublishedSource(f), true, f);
  for (const f of [
    'src/dense.test.ts',
    'src/test-utils/a.ts',
    'src/fixtures/t.json',
    'vitest.config.ts',
    'tsconfig.json',
    'bench/x.ts',
  ])
    assert.equal(isPublishedSource(f), false, f);
});

const pkg = (name, hash, extra = {}) => ({ name, version: '0.2.0', hash, empty: false, ...extra });

test('a changed package needs a changeset; unchanged, covered and empty ones pass', () => {
  const record = { '@s/a': { version: '0.2.0', hash: 'h1' }, '@s/b': { version: '0.2.0', hash: 'h2' } };
  const packages = [
    pkg('@s/a', 'h1'),
    pkg('@s/b', 'CHANGED'),
    pkg('@s/c', 'new'),
    pkg('@s/d', 'x', { empty: true }),
  ];
  let r = evaluate({ packages, record, changesets: [] });
  assert.deepEqual(r.problems.length, 2);
  assert.match(r.problems[0], /@s\/b changed since 0\.2\.0 was released but no \.changeset/);
  assert.match(r.problems[1], /@s\/c has never been released/);
  r = evaluate({
    packages,
    record,
    changesets: [{ file: '.changeset/x.md', bumps: { '@s/b': 'patch', '@s/c': 'minor' } }],
  });
  assert.deepEqual(r.problems, []);
});

test('a version bump without a recorded fingerprint, unknown packages and bad bumps fail', () => {
  const record = { '@s/a': { version: '0.1.0', hash: 'h1' } };
  const r = evaluate({
    packages: [pkg('@s/a', 'h1')],
    record,
    changesets: [{ file: '.changeset/y.md', bumps: { '@s/zzz': 'minor', '@s/a': 'huge' } }],
    ignored: [],
  });
  assert.equal(r.problems.length, 3);
  assert.match(r.problems.join('\n'), /names '@s\/zzz', which is not a publishable/);
  assert.match(r.problems.join('\n'), /bump for @s\/a is 'huge'/);
  assert.match(r.problems.join('\n'), /@s\/a is at 0\.2\.0 but .*records 0\.1\.0/);
});

test('a package versioned by changeset version without a recorded fingerprint says to record it', () => {
  const r = evaluate({
    packages: [pkg('@s/a', 'h', { versionedInChangelog: true })],
    record: {},
    changesets: [],
  });
  assert.equal(r.problems.length, 1);
  assert.match(
    r.problems[0],
    /@s\/a 0\.2\.0 has a CHANGELOG entry .* run `node tooling\/release\/check-changesets\.mjs --record`/,
  );
});

test('tarball file lists: only dist, src, README, LICENSE, CHANGELOG; no tests or fixtures', () => {
  const good = [
    'LICENSE',
    'README.md',
    'dist/index.d.ts',
    'dist/index.js',
    'dist/index.js.map',
    'package.json',
    'src/index.ts',
  ];
  assert.deepEqual(fileListProblems(good), []);
  const bad = [
    ...good,
    'src/a.test.ts',
    'src/test-utils/x.ts',
    'src/fixtures/f.json',
    'dist/a.test.js',
    'dist/test-utils/x.js',
    'dist/fixtures/f.json',
    'tsconfig.tsbuildinfo',
  ];
  const problems = fileListProblems(bad);
  assert.equal(problems.length, 8, problems.join('\n'));
  assert.deepEqual(fileListProblems(['package.json']).length, 4);
});

test('source maps must point at shipped files', () => {
  const files = ['dist/a.js', 'dist/a.js.map', 'dist/k/b.d.ts.map', 'src/a.ts', 'src/k/b.ts'];
  const maps = [
    ['dist/a.js.map', JSON.stringify({ version: 3, sources: ['../src/a.ts'] })],
    ['dist/k/b.d.ts.map', JSON.stringify({ version: 3, sources: ['../../src/k/b.ts', '../../src/k/c.ts'] })],
  ];
  assert.deepEqual(sourceMapProblems(maps, files), [
    'dist/k/b.d.ts.map maps to ../../src/k/c.ts, which is not in the tarball',
  ]);
});

const META = {
  license: 'Apache-2.0',
  engines: { node: '>=20' },
  homepage: 'https://x',
  bugs: { url: 'https://x/issues' },
};

test('packed manifests keep no workspace: ranges, no devDependencies, and have engines, homepage, bugs', () => {
  assert.deepEqual(manifestProblems({ ...META, dependencies: { '@steadygrad/core': '^0.2.0' } }), []);
  assert.match(
    manifestProblems({ ...META, license: 'MIT', dependencies: { '@steadygrad/core': 'workspace:^' } }).join(
      '\n',
    ),
    /workspace:\^[\s\S]*MIT/,
  );
  assert.deepEqual(
    manifestProblems({ license: 'Apache-2.0', devDependencies: { '@steadygrad/tsconfig': '0.0.0' } }),
    [
      "devDependencies.@steadygrad/tsconfig is published (.pnpmfile.cjs's beforePacking removes devDependencies)",
      'engines is missing',
      'homepage is missing',
      'bugs is missing',
    ],
  );
});

test('internal dependencies are packed dependencies first', () => {
  const all = [
    { name: 'core', internalDeps: [] },
    { name: 'nn', internalDeps: ['core', 'init'] },
    { name: 'init', internalDeps: ['core'] },
    { name: 'train', internalDeps: ['nn', 'core'] },
  ];
  assert.deepEqual(
    withInternalDeps(all, ['train']).map((p) => p.name),
    ['core', 'init', 'nn', 'train'],
  );
});

test('attw problems of the ignored resolutions do not count, whichever field names the resolution', () => {
  const node10Imports = {
    kind: 'InternalResolutionError',
    resolutionOption: 'node10',
    moduleSpecifier: '#x',
  };
  const cjs = { kind: 'CJSResolvesToESM', entrypoint: '.', resolutionKind: 'node16-cjs' };
  const bundler = { kind: 'InternalResolutionError', resolutionOption: 'bundler', moduleSpecifier: '#x' };
  const esm = { kind: 'FalseESM', entrypoint: '.', resolutionKind: 'node16-esm' };
  const untyped = { kind: 'NoResolution', entrypoint: './x' };
  assert.deepEqual(countedAttwProblems([node10Imports, cjs, bundler, esm, untyped]), [bundler, esm, untyped]);
});

test('every publishable package is in the one changesets fixed group (they version together)', () => {
  const config = JSON.parse(readFileSync(join(ROOT, '.changeset', 'config.json'), 'utf8'));
  const names = publishablePackages()
    .map((p) => p.name)
    .sort();
  assert.deepEqual(config.fixed, [names]);
  const versions = new Set(publishablePackages().map((p) => p.version));
  assert.equal(versions.size, 1, `one version for all: ${[...versions].join(', ')}`);
});
