#!/usr/bin/env node
// Consumer test: every package installed the way a stranger installs it.
//
//   node tooling/consumer/run.mjs [package...] [--keep] [--no-readme] [--pack-dir DIR]
//
// --pack-dir DIR reuses tarballs an earlier step of the same run packed there (check-packages --pack-dir).
//
// 1. `pnpm pack` the selected packages (default: all publishable ones) and their internal dependencies
//    (plus any package a README example imports) into a temp dir;
// 2. create a fresh temp project and `npm install` ONLY those tarballs + @tensorflow/tfjs-core@4.22.0 +
//    @tensorflow/tfjs-backend-wasm@4.22.0 (+ @types/node, for the examples' own node:fs imports) — no
//    workspace, no hoisted monorepo node_modules above it;
// 3. type-check, with the workspace's TypeScript (strict, NodeNext, skipLibCheck off so the shipped .d.ts
//    files are checked too), tooling/consumer/snippets/<package>.ts (which exercise the package's main API
//    and assert real values) and every runnable ```ts example of the packages' READMEs, the root README and
//    the guides in docs/ (docs/<package dir>.md with its package, the others when every package is tested);
// 4. run each compiled file in plain Node (ESM) on the wasm backend.
// Packages whose src/index.ts exports nothing yet are skipped with a note. Build first (`pnpm build`).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import {
  packPackage,
  publishablePackages,
  ROOT,
  selectPackages,
  withInternalDeps,
} from '../release/workspace.mjs';
import { isRunnable, readExamples, toModule } from './readme-examples.mjs';

const TFJS_VERSION = '4.22.0';
const TYPES_NODE_VERSION = JSON.parse(
  readFileSync(join(ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8'),
).version;
const HERE = join(ROOT, 'tooling', 'consumer');
const argv = process.argv.slice(2);
const keep = argv.includes('--keep');
const withReadme = !argv.includes('--no-readme');
const packDirIdx = argv.indexOf('--pack-dir');
const packDir = packDirIdx >= 0 ? argv[packDirIdx + 1] : undefined;
const names = argv.filter((a, i) => !a.startsWith('--') && (packDirIdx < 0 || i !== packDirIdx + 1));

const started = Date.now();
const log = (msg) => console.log(`consumer: ${msg}`);
const importsOf = (code) => [...code.matchAll(/from\s+['"](@steadygrad\/[a-z0-9-]+)['"]/g)].map((m) => m[1]);

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return { ok: r.status === 0, status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

const all = publishablePackages();
const byName = new Map(all.map((p) => [p.name, p]));
const byDir = new Map(all.map((p) => [p.dir, p]));
const selected = selectPackages(all, names);

/** @type {{ id: string, source: string, code: string, kind: 'snippet' | 'readme' }[]} */
const programs = [];
const skipped = [];
let failed = 0;
let passed = 0;
for (const p of selected) {
  if (p.empty) {
    skipped.push(`${p.name} (src/index.ts exports nothing yet)`);
    continue;
  }
  const snippet = join(HERE, 'snippets', `${p.dir}.ts`);
  if (!existsSync(snippet)) {
    console.error(
      `consumer: FAIL ${p.name} has no consumer snippet: add tooling/consumer/snippets/${p.dir}.ts`,
    );
    failed++;
  } else
    programs.push({
      id: `snippet-${p.dir}`,
      source: relative(ROOT, snippet),
      code: readFileSync(snippet, 'utf8'),
      kind: 'snippet',
    });
}
if (withReadme) {
  const readmes = selected.filter((p) => !p.empty).map((p) => join(p.path, 'README.md'));
  if (names.length === 0) readmes.unshift(join(ROOT, 'README.md'));
  // The guides in docs/: a package's own (docs/<dir>.md) with the package; the others (docs/performance.md, …)
  // when every package is tested.
  const guides = existsSync(join(ROOT, 'docs'))
    ? readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .filter((f) =>
          byDir.has(f.slice(0, -3))
            ? selected.some((p) => !p.empty && p.dir === f.slice(0, -3))
            : names.length === 0,
        )
        .map((f) => join(ROOT, 'docs', f))
    : [];
  for (const readme of [...readmes, ...guides.sort()]) {
    if (!existsSync(readme)) {
      console.error(`consumer: FAIL ${relative(ROOT, readme)} is missing`);
      failed++;
      continue;
    }
    const rel = relative(ROOT, readme);
    const tag =
      rel === 'README.md'
        ? 'root'
        : rel.startsWith('docs/')
          ? `docs-${basename(rel, '.md')}`
          : basename(join(readme, '..'));
    readExamples(readme).forEach((ex, i) => {
      const source = `${rel}:${ex.line}`;
      if (!isRunnable(ex)) return;
      const code = toModule(ex, source);
      const missing = importsOf(code).filter((n) => !byName.has(n) || byName.get(n).empty);
      if (missing.length > 0) {
        skipped.push(`${source} (imports ${missing.join(', ')}, which is not available yet)`);
        return;
      }
      programs.push({ id: `readme-${tag}-${i + 1}`, source, code, kind: 'readme' });
    });
  }
}

const needed = new Set(programs.flatMap((p) => importsOf(p.code)));
for (const p of selected) if (!p.empty) needed.add(p.name);
const unknown = [...needed].filter((n) => !byName.has(n));
if (unknown.length > 0) throw new Error(`unknown packages imported: ${unknown.join(', ')}`);
const toPack = withInternalDeps(all, [...needed]);
for (const s of skipped) log(`skip ${s}`);
if (programs.length === 0) {
  log(`nothing to test; ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

const work = mkdtempSync(join(tmpdir(), 'steadygrad-consumer-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballs);
mkdirSync(join(project, 'src'), { recursive: true });
try {
  log(`packing ${toPack.map((p) => p.dir).join(', ')}`);
  const deps = {};
  for (const p of toPack) {
    if (p.empty) throw new Error(`${p.name} is needed (a dependency) but exports nothing yet`);
    deps[p.name] =
      `file:${packDir ? packPackage(p, packDir, { reuse: true }) : relative(project, packPackage(p, tarballs))}`;
  }
  deps['@tensorflow/tfjs-core'] = TFJS_VERSION;
  deps['@tensorflow/tfjs-backend-wasm'] = TFJS_VERSION;
  // The types every Node TypeScript project has (snippets and README examples use node:fs); the packages'
  // own declarations must not need them (check-packages reports a shipped `reference types="node"`).
  deps['@types/node'] = TYPES_NODE_VERSION;
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'steadygrad-consumer', private: true, type: 'module', dependencies: deps }, null, 2)}\n`,
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2022', 'DOM'],
          strict: true,
          skipLibCheck: false,
          outDir: 'out',
          rootDir: 'src',
        },
        include: ['src'],
      },
      null,
      2,
    )}\n`,
  );
  // The backend for README examples (snippets select it themselves): what an application does at start-up.
  writeFileSync(
    join(project, 'backend.mjs'),
    "import { useBackend } from '@steadygrad/core';\nawait useBackend('wasm');\n",
  );
  for (const p of programs) writeFileSync(join(project, 'src', `${p.id}.ts`), p.code);

  log(`npm install ${Object.keys(deps).length} packages (${toPack.length} tarballs) in ${project}`);
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: project,
  });
  if (!install.ok) throw new Error(`npm install failed (exit ${install.status}):\n${install.out}`);

  // tsc reports only syntax errors while any file has one: set such files aside and check the rest again.
  const tscErrors = new Map();
  for (;;) {
    const tsc = run(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
      { cwd: project },
    );
    if (tsc.ok) break;
    const found = new Map();
    for (const line of tsc.out.split('\n')) {
      const m = line.match(/^src\/([^(]+)\.ts\(/);
      if (m) found.set(m[1], [...(found.get(m[1]) ?? []), line]);
    }
    if (found.size === 0)
      throw new Error(`tsc failed outside the examples (in the shipped types?):\n${tsc.out}`);
    for (const [id, lines] of found) tscErrors.set(id, lines);
    if (!/error TS1\d{3}:/.test(tsc.out)) break;
    for (const id of found.keys()) rmSync(join(project, 'src', `${id}.ts`));
  }

  for (const p of programs) {
    const label = `${p.kind === 'snippet' ? 'snippet' : 'README example'} ${p.source}`;
    const errs = tscErrors.get(p.id);
    if (errs) {
      failed++;
      console.error(`consumer: FAIL ${label}: type errors\n  ${errs.slice(0, 12).join('\n  ')}`);
      continue;
    }
    const t0 = Date.now();
    const args = p.kind === 'readme' ? ['--import', './backend.mjs', `out/${p.id}.js`] : [`out/${p.id}.js`];
    const r = run(process.execPath, args, { cwd: project, timeout: 180_000 });
    if (r.ok) {
      passed++;
      log(
        `ok   ${label} (${((Date.now() - t0) / 1000).toFixed(1)} s)${p.kind === 'snippet' ? `: ${r.out.trim().split('\n').at(-1)}` : ''}`,
      );
    } else {
      failed++;
      console.error(
        `consumer: FAIL ${label} (exit ${r.status ?? r.error?.message}):\n${r.out.trim().split('\n').slice(-15).join('\n')}`,
      );
    }
  }
} catch (e) {
  failed++;
  console.error(`consumer: FAIL ${e.message}`);
} finally {
  if (keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
log(
  `${passed} passed, ${failed} failed, ${skipped.length} skipped (${((Date.now() - started) / 1000).toFixed(0)} s)`,
);
process.exit(failed === 0 ? 0 : 1);
