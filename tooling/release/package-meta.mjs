#!/usr/bin/env node
// Keeps the publishing metadata of every packages/* package in one place: `files`, `publishConfig`,
// `repository` (with its `directory`), `homepage` and `bugs` (derived from the repository), `engines`,
// `keywords`, and a LICENSE identical to the root one.
// `node tooling/release/package-meta.mjs` writes them; `--check` only reports differences (exit 1).
// It edits only those fields (key order is kept; new keys go after `license`).
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const REPOSITORY_URL = 'git+https://github.com/steadygrad/steadygrad.git';
export const REPOSITORY_WEB = REPOSITORY_URL.replace(/^git\+/, '').replace(/\.git$/, '');
// `src` ships (without tests, test utilities, fixtures and generated copies) so that the source maps and
// declaration maps in `dist` resolve: a debugger and "go to definition" land in the TypeScript source.
export const FILES = [
  'dist',
  'src',
  '!src/**/*.test.ts',
  '!src/**/test-utils',
  '!src/**/fixtures',
  '!src/generated',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
];
export const ENGINES = { node: '>=20' };
const COMMON_KEYWORDS = [
  'steadygrad',
  'deep-learning',
  'neural-network',
  'machine-learning',
  'tensorflow',
  'tfjs',
];
export const KEYWORDS = {
  activations: ['activation', 'relu', 'elu', 'selu', 'gelu', 'swish', 'mish'],
  core: ['tensor', 'autodiff', 'random', 'backend'],
  datasets: ['fashion-mnist', 'mnist', 'idx', 'dataset'],
  initializers: ['initializer', 'glorot', 'xavier', 'he', 'kaiming', 'lecun', 'orthogonal'],
  interop: ['tfjs-layers', 'keras', 'model-json', 'serialization'],
  nn: ['layer', 'dense', 'sequential', 'keras'],
  normalization: ['batch-normalization', 'layer-normalization', 'group-normalization', 'rms-norm'],
  optim: ['optimizer', 'sgd', 'adam', 'adamw', 'rmsprop', 'gradient-clipping', 'optax'],
  regularization: ['regularization', 'dropout', 'l1', 'l2', 'max-norm', 'constraint'],
  schedules: ['learning-rate', 'schedule', 'cosine-decay', 'one-cycle', 'warmup'],
  train: ['training', 'fit', 'loss', 'metrics', 'callbacks'],
  transfer: ['transfer-learning', 'fine-tuning', 'pretrained', 'freeze'],
};

export function packageDirs() {
  return readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'packages', d.name, 'package.json')))
    .map((d) => d.name)
    .sort();
}

export function expectedMeta(dir) {
  return {
    files: FILES,
    publishConfig: { access: 'public' },
    repository: { type: 'git', url: REPOSITORY_URL, directory: `packages/${dir}` },
    homepage: `${REPOSITORY_WEB}/tree/main/packages/${dir}#readme`,
    bugs: { url: `${REPOSITORY_WEB}/issues` },
    engines: ENGINES,
    keywords: [...COMMON_KEYWORDS, ...(KEYWORDS[dir] ?? [])],
  };
}

function withMeta(pkg, meta) {
  const out = {};
  for (const [k, v] of Object.entries(pkg)) {
    out[k] = k in meta ? meta[k] : v;
    if (k === 'license') for (const [mk, mv] of Object.entries(meta)) if (!(mk in pkg)) out[mk] = mv;
  }
  for (const [mk, mv] of Object.entries(meta)) if (!(mk in out)) out[mk] = mv;
  return out;
}

export function checkMeta() {
  const problems = [];
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  for (const dir of packageDirs()) {
    const pkgPath = join(ROOT, 'packages', dir, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
    if (pkg.private) continue;
    for (const [k, v] of Object.entries(expectedMeta(dir))) {
      if (JSON.stringify(pkg[k]) !== JSON.stringify(v))
        problems.push(`packages/${dir}/package.json: "${k}" should be ${JSON.stringify(v)}`);
    }
    if (pkg.license !== 'Apache-2.0')
      problems.push(`packages/${dir}/package.json: license should be Apache-2.0`);
    const lic = join(ROOT, 'packages', dir, 'LICENSE');
    if (!existsSync(lic) || readFileSync(lic, 'utf8') !== license)
      problems.push(`packages/${dir}/LICENSE: missing or not the root LICENSE`);
  }
  return problems;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  if (process.argv.includes('--check')) {
    const problems = checkMeta();
    for (const p of problems) console.error(p);
    console.log(`package-meta: ${problems.length === 0 ? 'ok' : `${problems.length} problem(s)`}`);
    process.exit(problems.length === 0 ? 0 : 1);
  }
  for (const dir of packageDirs()) {
    const pkgPath = join(ROOT, 'packages', dir, 'package.json');
    const text = readFileSync(pkgPath, 'utf8');
    const pkg = JSON.parse(text);
    if (pkg.private) continue;
    const next = `${JSON.stringify(withMeta(pkg, expectedMeta(dir)), null, 2)}\n`;
    if (next !== text) {
      writeFileSync(pkgPath, next);
      console.log(`updated packages/${dir}/package.json`);
    }
    copyFileSync(join(ROOT, 'LICENSE'), join(ROOT, 'packages', dir, 'LICENSE'));
  }
}
