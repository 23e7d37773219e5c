#!/usr/bin/env node
// The import graph (issue 19, ARCHITECTURE.md): what each library package's sources may import. Static imports,
// `export … from` and dynamic `import('…')` of packages are read from packages/*/src/**/*.ts (tests, test
// utilities, fixtures and generated code excluded; comments ignored). `node tooling/lint/import-graph.mjs`
// lists the violations (exit 1 when there are any); import-graph.test.mjs runs it in `npm test`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { librarySources, stripComments } from './kernel-boundary.mjs';

/** The repository root. */
export const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * Which @steadygrad packages each package may import (the layering of ARCHITECTURE.md). Nothing imports
 * upward: core imports nothing of ours, optim knows neither schedules nor layers, nn does not know
 * normalization or regularization.
 */
export const ALLOWED = {
  core: [],
  initializers: ['core'],
  activations: ['core'],
  optim: ['core'],
  schedules: ['core'],
  datasets: ['core'],
  nn: ['core', 'initializers', 'activations'],
  normalization: ['core', 'initializers', 'nn'],
  regularization: ['core', 'activations', 'nn'],
  train: ['core', 'nn', 'optim'],
  transfer: ['core', 'nn', 'optim', 'train'],
  interop: ['core', 'initializers', 'activations', 'nn', 'normalization', 'regularization'],
};

/** Backend packages and the tfjs bundles that register them: never imported by a library. */
const BACKEND = /^@tensorflow\/(?:tfjs-backend-|tfjs-node|tfjs-layers$|tfjs$|tfjs-converter$)/;

/** Always allowed: tfjs-core (a peer), Node's built-ins (Node-only files), the package's own `#` subpaths. */
const ALWAYS = /^(?:@tensorflow\/tfjs-core(?:\/|$)|node:|#)/;

/** `import … from 'x'`, `export … from 'x'`, `import 'x'` and `import('x')`, after comments are removed. */
const SPECIFIERS = [
  /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*(['"])([^'"]+)\1/gm,
  /^\s*import\s*(['"])([^'"]+)\1/gm,
  /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
];

/** The package specifiers a source imports (relative paths skipped), with their lines. */
export function importsOf(source) {
  const code = stripComments(source);
  const found = [];
  for (const re of SPECIFIERS) {
    for (const m of code.matchAll(re)) {
      const spec = m[2];
      if (spec.startsWith('.')) continue;
      const at = m.index + m[0].lastIndexOf(spec);
      found.push({ spec, line: code.slice(0, at).split('\n').length });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/** The name of the package a specifier imports (`@scope/name` or `name`). */
const packageName = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * The violations of one file of package `pkg` (whose package.json lists `dependencies`), as
 * `file:line: message`.
 */
export function violationsOf(pkg, file, source, dependencies = {}) {
  const out = [];
  const allowed = ALLOWED[pkg];
  for (const { spec, line } of importsOf(source)) {
    const ours = /^@steadygrad\/([^/]+)/.exec(spec);
    if (ours !== null) {
      const dep = ours[1];
      if (allowed === undefined) out.push(`${file}:${line}: package '${pkg}' has no entry in ALLOWED`);
      else if (dep !== pkg && !allowed.includes(dep))
        out.push(
          `${file}:${line}: ${pkg} may not import @steadygrad/${dep} (allowed: ${allowed.join(', ') || 'none'})`,
        );
    } else if (BACKEND.test(spec)) {
      out.push(
        `${file}:${line}: ${pkg} imports the backend package '${spec}' (no library imports a backend)`,
      );
    } else if (!ALWAYS.test(spec) && !(packageName(spec) in dependencies)) {
      out.push(`${file}:${line}: ${pkg} imports '${spec}', which is not in its package.json dependencies`);
    }
  }
  return out;
}

/** Every violation in the repository's library sources. */
export function importGraphViolations() {
  const out = [];
  for (const file of librarySources()) {
    const pkg = file.split('/')[1];
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8'));
    out.push(...violationsOf(pkg, file, readFileSync(join(ROOT, file), 'utf8'), manifest.dependencies));
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const v = importGraphViolations();
  for (const line of v) console.log(line);
  process.exit(v.length === 0 ? 0 : 1);
}
