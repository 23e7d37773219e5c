// Extracts the TypeScript examples of a README so the consumer test can type-check and run them.
//
// Conventions (documented in tooling/consumer/README.md):
//   ```ts                 an example: type-checked and executed (as an ES module, top-level await allowed)
//   ```ts signature       an API signature listing or other non-runnable text: skipped
//   <!-- setup            hidden set-up code (e.g. small stand-in data) placed right before an example's
//   const xBatch = ...       fence; it is prepended to the example when it runs. Keep it minimal: the
//   -->                      example itself must show everything a reader needs.
import { readFileSync } from 'node:fs';

/** @returns {{ line: number, info: string, code: string, setup: string }[]} */
export function extractExamples(markdown) {
  const lines = markdown.split(/\r?\n/);
  const out = [];
  let pendingSetup = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^<!--\s*setup\b/.test(line)) {
      const body = [];
      const first = line.replace(/^<!--\s*setup\b/, '');
      let j = i;
      if (first.includes('-->')) body.push(first.replace('-->', ''));
      else {
        if (first.trim()) body.push(first);
        for (j = i + 1; j < lines.length && !lines[j].includes('-->'); j++) body.push(lines[j]);
        if (j < lines.length) body.push(lines[j].replace('-->', ''));
      }
      pendingSetup = body.join('\n').trim();
      i = j;
      continue;
    }
    const fence = line.match(/^```(ts|typescript)\b\s*(.*)$/);
    if (fence) {
      const body = [];
      let j = i + 1;
      for (; j < lines.length && !/^```\s*$/.test(lines[j]); j++) body.push(lines[j]);
      out.push({ line: i + 1, info: fence[2].trim(), code: body.join('\n'), setup: pendingSetup });
      pendingSetup = '';
      i = j;
      continue;
    }
    if (line.trim() !== '') pendingSetup = '';
  }
  return out;
}

export function isRunnable(example) {
  return !/\b(signature|no-run)\b/.test(example.info);
}

/** Builds a module: the example's imports first, then the hidden setup, then the rest. */
export function toModule(example, source) {
  const codeLines = example.code.split('\n');
  const imports = [];
  const rest = [];
  let inImport = false;
  for (const l of codeLines) {
    if (inImport || /^import\s/.test(l)) {
      imports.push(l);
      inImport = !/from\s+['"][^'"]+['"];?\s*$/.test(l) && !/^import\s+['"][^'"]+['"];?\s*$/.test(l);
    } else rest.push(l);
  }
  const setupLines = example.setup.split('\n');
  const setupImports = setupLines.filter((l) => /^import\s/.test(l));
  const setupBody = setupLines.filter((l) => !/^import\s/.test(l));
  return [
    `// ${source} (extracted by tooling/consumer/readme-examples.mjs)`,
    ...imports,
    ...setupImports,
    ...(example.setup
      ? ['// --- hidden setup (<!-- setup --> in the README) ---', ...setupBody, '// --- example ---']
      : []),
    ...rest,
    'export {};',
    '',
  ].join('\n');
}

export function readExamples(path) {
  return extractExamples(readFileSync(path, 'utf8'));
}
