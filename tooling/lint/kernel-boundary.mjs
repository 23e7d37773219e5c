#!/usr/bin/env node
// The kernel boundary (issue 19): no library source file outside the kernels' runtime
// (packages/core/src/kernels/runtime/) touches tfjs engine or backend internals or branches on a backend's
// name. `node tooling/lint/kernel-boundary.mjs` lists the violations (exit 1 when there are any);
// kernel-boundary.test.mjs runs the same check in `npm test`. Library sources are packages/*/src/**/*.ts
// without tests, test utilities, fixtures and generated code; comments are ignored (documentation may name a
// backend), string and template contents are not (a comparison with 'wasm' is a branch on a name).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository root. */
export const ROOT = new URL('../../', import.meta.url).pathname;

/** The kernels' runtime: the one place that may touch internals and branch on backend names. */
export const RUNTIME_DIR = 'packages/core/src/kernels/runtime/';

/**
 * Files outside the runtime allowed to name backends, each with its reason. Backend selection maps a
 * user's choice ('wasm', 'tensorflow', …) to the package that registers it: the names are its input, and it
 * touches no internals (it uses tfjs's public `setBackend`/`findBackendFactory`).
 */
export const NAME_EXCEPTIONS = {
  'packages/core/src/backend.ts': 'backend selection: turns a BackendChoice into a registered tfjs backend',
};

const BACKENDS = '(?:cpu|wasm|webgl|webgpu|tensorflow)';
const QUOTED = `['"\`]${BACKENDS}['"\`]`;

/** What counts as touching engine or backend internals (after comments are removed). */
export const INTERNALS = [
  [/\btf\s*\.\s*engine\s*\(|\bengine\s*\(\s*\)|\bENGINE\b/, 'the tfjs engine (engine() / ENGINE)'],
  [
    /\btf\s*\.\s*backend\s*\(\s*\)|\bbackendInstance\b/,
    'a backend instance (tf.backend() / backendInstance)',
  ],
  [
    /\bdataIdMap\b|\.wasm\s*\.\s*HEAP|\bHEAPF32\b|\bHEAP32\b/,
    "the wasm backend's memory (dataIdMap / HEAP*)",
  ],
  [/\b(?:registerKernel|unregisterKernel|getKernel|getKernelsForBackend)\s*\(/, "tfjs's kernel registry"],
  [/\brunKernel(?:Func)?\s*\(/, 'engine.runKernel / runKernelFunc'],
  [
    /\b(?:activeTape|gradientDepth|makeTensorFromTensorInfo|tensorInfo)\b/,
    "the engine's tape and tensor state",
  ],
  [
    /\bfrom\s+['"]@tensorflow\/tfjs-(?:backend-[a-z]+|node)['"]|import\(\s*['"]@tensorflow\/tfjs-(?:backend-[a-z]+|node)['"]/,
    'a backend package import',
  ],
];

/** What counts as branching on a backend's name. */
export const NAME_BRANCHES = [
  [
    new RegExp(`(?:===|!==|==|!=)\\s*${QUOTED}|${QUOTED}\\s*(?:===|!==|==|!=)`),
    "a comparison with a backend's name",
  ],
  [new RegExp(`\\bcase\\s+${QUOTED}\\s*:`), "a switch case on a backend's name"],
  [/\bgetBackend\s*\(\s*\)/, "reading the backend's name (tf.getBackend())"],
  [
    new RegExp(`\\[\\s*${QUOTED}(?:\\s*,\\s*${QUOTED})*\\s*\\]\\s*\\.\\s*includes\\s*\\(`),
    'a list of backend names',
  ],
];

/**
 * `text` with comments blanked (same length, newlines kept, so that positions give line numbers). Strings,
 * template literals and regular expressions are kept; a `/` is read as a regular expression where an
 * operand is expected.
 */
export function stripComments(text) {
  let out = '';
  let i = 0;
  let prev = ''; // last non-space code character
  const blank = (s) => s.replace(/[^\n]/g, ' ');
  while (i < text.length) {
    const c = text[i];
    const n = text[i + 1];
    if (c === '/' && n === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (c === '/' && n === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      prev = c;
    } else if (c === '/' && (prev === '' || /[(,=:[!&|?{};+\-*%<>~^]/.test(prev))) {
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== '\n' && (inClass || text[j] !== '/')) {
        if (text[j] === '\\') j++;
        else if (text[j] === '[') inClass = true;
        else if (text[j] === ']') inClass = false;
        j++;
      }
      out += text.slice(i, j + 1);
      i = j + 1;
      prev = '/';
    } else {
      out += c;
      if (!/\s/.test(c)) prev = c;
      i++;
    }
  }
  return out;
}

/** Library source files: packages/*\/src/**\/*.ts without tests, test utilities, fixtures, generated code. */
export function librarySources(root = ROOT) {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!['test-utils', 'fixtures', 'generated', 'node_modules'].includes(e.name)) walk(p);
      } else if (/\.(?:ts|mts|js|mjs)$/.test(e.name) && !/\.(?:test|spec)\.|\.d\.ts$/.test(e.name)) {
        files.push(relative(root, p));
      }
    }
  };
  for (const pkg of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    if (!pkg.isDirectory()) continue;
    const src = join(root, 'packages', pkg.name, 'src');
    try {
      walk(src);
    } catch (e) {
      if (e.code !== 'ENOENT') throw e;
    }
  }
  return files.sort();
}

/**
 * The violations in one file's text: `{ file, line, rule, code }` for each line outside the runtime that
 * touches internals or (outside {@link NAME_EXCEPTIONS}) branches on a backend's name.
 */
export function violationsIn(file, text) {
  if (file.startsWith(RUNTIME_DIR)) return [];
  const rules = Object.hasOwn(NAME_EXCEPTIONS, file) ? INTERNALS : [...INTERNALS, ...NAME_BRANCHES];
  const code = stripComments(text).split('\n');
  const source = text.split('\n');
  const found = [];
  code.forEach((line, k) => {
    for (const [re, rule] of rules) {
      if (re.test(line)) found.push({ file, line: k + 1, rule, code: source[k].trim() });
    }
  });
  return found;
}

/** Every violation in the library sources under `root`. */
export function kernelBoundaryViolations(root = ROOT) {
  return librarySources(root).flatMap((f) => violationsIn(f, readFileSync(join(root, f), 'utf8')));
}

/** One line per violation: `file:line: rule: code`. */
export function formatViolations(violations) {
  return violations.map((v) => `${v.file}:${v.line}: ${v.rule}: ${v.code}`).join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const v = kernelBoundaryViolations();
  if (v.length > 0) {
    console.error(formatViolations(v));
    console.error(
      `kernel-boundary: ${v.length} violation(s): move the code into ${RUNTIME_DIR} (see docs/kernels.md)`,
    );
    process.exit(1);
  }
  console.log('kernel-boundary: ok');
}
