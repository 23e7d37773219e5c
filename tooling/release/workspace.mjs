// Shared helpers for the release and consumer scripts: the publishable packages, their internal
// dependencies, and packing them into tarballs with pnpm (which rewrites `workspace:^` to real ranges).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePnpm } from '../scripts/pnpm.mjs';

export const ROOT = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');

/** @typedef {{ dir: string, path: string, name: string, version: string, pkg: any, internalDeps: string[], empty: boolean }} WorkspacePackage */

/** A package whose `src/index.ts` exports nothing yet (`export {}`) is "empty": packed checks skip it. */
function isEmptyIndex(path) {
  const index = join(path, 'src', 'index.ts');
  if (!existsSync(index)) return true;
  const code = readFileSync(index, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/export\s*\{\s*\}\s*;?/g, '')
    .trim();
  return code.length === 0;
}

/** @returns {WorkspacePackage[]} the non-private packages under packages/, sorted by directory name. */
export function publishablePackages() {
  const out = [];
  for (const d of readdirSync(join(ROOT, 'packages'), { withFileTypes: true })) {
    const path = join(ROOT, 'packages', d.name);
    if (!d.isDirectory() || !existsSync(join(path, 'package.json'))) continue;
    const pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    const internalDeps = Object.keys(pkg.dependencies ?? {}).filter((n) => n.startsWith('@steadygrad/'));
    out.push({
      dir: d.name,
      path,
      name: pkg.name,
      version: pkg.version,
      pkg,
      internalDeps,
      empty: isEmptyIndex(path),
    });
  }
  return out.sort((a, b) => a.dir.localeCompare(b.dir));
}

/** `names` plus everything they depend on inside the workspace (transitively), dependencies first. */
export function withInternalDeps(all, names) {
  const byName = new Map(all.map((p) => [p.name, p]));
  const seen = new Set();
  const order = [];
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    const p = byName.get(name);
    if (!p) throw new Error(`unknown workspace package ${name}`);
    for (const d of p.internalDeps) visit(d);
    order.push(p);
  };
  for (const n of names) visit(n);
  return order;
}

/** Resolves CLI arguments (`nn`, `@steadygrad/nn`) to packages; none = all. */
export function selectPackages(all, args) {
  if (args.length === 0) return all;
  return args.map((a) => {
    const p = all.find((q) => q.dir === a || q.name === a);
    if (!p) throw new Error(`no package '${a}' (have: ${all.map((q) => q.dir).join(', ')})`);
    return p;
  });
}

let pnpmCmd;

/**
 * `pnpm pack` one package into `dest`; returns the tarball's absolute path. With `reuse`, a tarball already
 * in `dest` (packed by an earlier step of the same run, e.g. check-packages before the consumer test) is used.
 */
export function packPackage(p, dest, { reuse = false } = {}) {
  const existing = join(dest, tarballName(p));
  if (reuse && existsSync(existing)) return existing;
  if (!existsSync(join(p.path, 'dist')))
    throw new Error(`${p.name} has no dist/: build it first (pnpm build)`);
  pnpmCmd ??= ensurePnpm({ install: false });
  const r = spawnSync(pnpmCmd.cmd, [...pnpmCmd.args, 'pack', '--pack-destination', dest], {
    cwd: p.path,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`pnpm pack ${p.name} failed:\n${r.stdout}\n${r.stderr}`);
  const tarball = join(dest, tarballName(p));
  if (!existsSync(tarball)) throw new Error(`pnpm pack ${p.name}: expected ${tarball}\n${r.stdout}`);
  return tarball;
}

/** The file name `pnpm pack` gives a package's tarball. */
export function tarballName(p) {
  return `${p.name.replace(/^@/, '').replace('/', '-')}-${p.version}.tgz`;
}

/** File list of a tarball (paths without the leading `package/`). */
export function tarballFiles(tarball) {
  const r = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar -tzf ${tarball} failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l && !l.endsWith('/'))
    .map((l) => l.replace(/^package\//, ''))
    .sort();
}

/** package.json inside a tarball. */
export function tarballManifest(tarball) {
  const r = spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`reading package.json from ${tarball} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** `[path, text]` of the given files inside a tarball (extracted once into a temporary directory). */
export function tarballText(tarball, files) {
  if (files.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'steadygrad-tar-'));
  try {
    const r = spawnSync('tar', ['-xzf', tarball, '-C', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`extracting ${tarball} failed: ${r.stderr}`);
    return files.map((f) => [f, readFileSync(join(dir, 'package', f), 'utf8')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
