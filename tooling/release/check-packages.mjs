#!/usr/bin/env node
// Packs every publishable package exactly as `changeset publish` would (pnpm pack rewrites `workspace:^`)
// and checks each tarball:
//   1. its file list: only package.json, README.md, LICENSE, CHANGELOG.md, dist/** and src/**/*.ts — and no
//      tests, test utilities, fixtures or build info; dist/index.js and dist/index.d.ts present; every source
//      map's sources shipped (the maps resolve);
//   2. its package.json: no `workspace:` ranges left, no devDependencies, engines/homepage/bugs present,
//      license Apache-2.0;
//   3. `publint` (strict: warnings fail) and `@arethetypeswrong/cli` (profile esm-only: these packages are
//      ESM only, so a CommonJS `require` is out of scope; node10, node16-ESM and bundler resolution must work).
// Usage: node tooling/release/check-packages.mjs [package...] [--pack-dir DIR]   (build first; both tools run
// offline; with --pack-dir the tarballs are kept in DIR for the consumer test to reuse)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { checkMeta } from './package-meta.mjs';
import {
  packPackage,
  publishablePackages,
  ROOT,
  selectPackages,
  tarballFiles,
  tarballManifest,
  tarballText,
} from './workspace.mjs';

const ALLOWED_TOP = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']);
const REQUIRED = ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'];
const FORBIDDEN_IN_DIST = [
  [/\.test\.(ts|js|d\.ts|js\.map|d\.ts\.map)$/, 'a test file'],
  [/(^|\/)test-utils\//, 'test utilities'],
  [/(^|\/)fixtures\//, 'a test fixture'],
  [/\.tsbuildinfo$/, 'TypeScript build info'],
];

/** Problems with a tarball's file list (exported for the tests). */
export function fileListProblems(files) {
  const problems = [];
  for (const f of files) {
    if (ALLOWED_TOP.has(f)) continue;
    if (!f.startsWith('dist/') && !f.startsWith('src/')) {
      problems.push(`ships ${f} (only dist/, src/, README.md, LICENSE, CHANGELOG.md may be published)`);
      continue;
    }
    if (f.startsWith('src/') && !/\.ts$/.test(f)) problems.push(`ships a non-TypeScript file in src: ${f}`);
    for (const [re, what] of FORBIDDEN_IN_DIST) if (re.test(f)) problems.push(`ships ${what}: ${f}`);
  }
  for (const r of REQUIRED) if (!files.includes(r)) problems.push(`does not ship ${r}`);
  return problems;
}

/**
 * Source maps (`.js.map`, `.d.ts.map`) whose sources are not in the tarball (exported for the tests):
 * `texts` is `[[path, text], …]` of the maps, `files` every path shipped.
 */
export function sourceMapProblems(texts, files) {
  const shipped = new Set(files);
  const problems = [];
  for (const [file, text] of texts) {
    const dir = posix.dirname(file);
    let sources;
    try {
      sources = JSON.parse(text).sources ?? [];
    } catch {
      problems.push(`${file} is not valid JSON`);
      continue;
    }
    for (const src of sources) {
      const target = posix.normalize(posix.join(dir, src));
      if (!shipped.has(target)) problems.push(`${file} maps to ${src}, which is not in the tarball`);
    }
  }
  return problems;
}

export function manifestProblems(manifest) {
  const problems = [];
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${dep} is still '${range}'`);
    }
  }
  for (const dep of Object.keys(manifest.devDependencies ?? {}))
    problems.push(
      `devDependencies.${dep} is published (.pnpmfile.cjs's beforePacking removes devDependencies)`,
    );
  for (const field of ['engines', 'homepage', 'bugs'])
    if (manifest[field] === undefined) problems.push(`${field} is missing`);
  if (manifest.license !== 'Apache-2.0') problems.push(`license is ${manifest.license}, expected Apache-2.0`);
  return problems;
}

function tool(bin, args) {
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', bin), args, { encoding: 'utf8', cwd: ROOT });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/**
 * attw's problems that count under the esm-only profile. attw 0.18 exits 1 on an `InternalResolutionError`
 * of an ignored resolution (it checks `resolutionKind`, that problem has `resolutionOption`): node10 cannot
 * resolve package.json `imports` (`#checkpoint-io`…) at all, and node10 is out of scope for ESM-only packages.
 */
export function countedAttwProblems(problems, ignoreResolutions = ['node10', 'node16-cjs']) {
  return problems.filter((problem) => {
    const resolution = problem.resolutionKind ?? problem.resolutionOption;
    return resolution === undefined || !ignoreResolutions.includes(resolution);
  });
}

function attwProblems(tarball) {
  const r = tool('attw', [tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'json']);
  try {
    const json = JSON.parse(r.out);
    const problems = Array.isArray(json.problems) ? json.problems : Object.values(json.problems ?? {}).flat();
    return countedAttwProblems(problems);
  } catch {
    return [{ kind: 'attw output is not JSON', out: r.out.slice(0, 500) }];
  }
}

async function main() {
  const argv = process.argv.slice(2);
  const packDirIdx = argv.indexOf('--pack-dir');
  const packDir = packDirIdx >= 0 ? argv[packDirIdx + 1] : undefined;
  const names = argv.filter((a, i) => !a.startsWith('--') && (packDirIdx < 0 || i !== packDirIdx + 1));
  const all = publishablePackages();
  const selected = selectPackages(all, names);
  const dest = packDir ?? mkdtempSync(join(tmpdir(), 'steadygrad-pack-'));
  if (packDir) mkdirSync(packDir, { recursive: true });
  let failures = 0;
  const fail = (name, msg) => {
    failures++;
    console.error(`  FAIL ${name}: ${msg}`);
  };
  try {
    for (const p of checkMeta()) fail('metadata', p);
    for (const p of selected) {
      if (p.empty) {
        console.log(`check-packages: skip ${p.name} (src/index.ts exports nothing yet)`);
        continue;
      }
      const tarball = packPackage(p, dest);
      const files = tarballFiles(tarball);
      const before = failures;
      for (const m of fileListProblems(files)) fail(p.name, m);
      for (const m of manifestProblems(tarballManifest(tarball))) fail(p.name, m);
      const maps = files.filter((f) => f.endsWith('.map'));
      for (const m of sourceMapProblems(tarballText(tarball, maps), files)) fail(p.name, m);
      const nodeTypes = tarballText(
        tarball,
        files.filter((f) => f.endsWith('.d.ts')),
      ).filter(([, t]) => t.includes('reference types="node"'));
      for (const [f] of nodeTypes) console.log(`  note ${p.name}: ${f} needs @types/node (Node-only API)`);
      const pub = tool('publint', ['run', tarball, '--strict']);
      if (!pub.ok) fail(p.name, `publint:\n${pub.out}`);
      const attw = tool('attw', [
        tarball,
        '--profile',
        'esm-only',
        '--no-definitely-typed',
        '--format',
        'ascii',
        '--no-color',
        '--no-emoji',
      ]);
      if (!attw.ok && attwProblems(tarball).length > 0) fail(p.name, `attw:\n${attw.out}`);
      const status = failures === before ? 'ok' : 'FAILED';
      console.log(
        `check-packages: ${p.name}@${p.version} ${status} (${files.length} files; publint ${pub.ok ? 'ok' : 'failed'}; attw ${attw.ok ? 'ok' : failures === before ? 'ok (node10 cannot resolve imports: out of scope)' : 'failed'})`,
      );
    }
  } finally {
    if (!packDir) rmSync(dest, { recursive: true, force: true });
  }
  console.log(`check-packages: ${failures === 0 ? 'all packages ok' : `${failures} problem(s)`}`);
  process.exit(failures === 0 ? 0 : 1);
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) await main();
