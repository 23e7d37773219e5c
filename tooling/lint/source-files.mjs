// The architecture tests' view of the repository: its source files and their sizes.
import { readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
/** Source files: TypeScript, JavaScript, Python, shell, HTML, CSS. */
const SOURCE = /\.(ts|mts|cts|tsx|js|mjs|cjs|py|sh|html|css)$/;
/** Build outputs, dependencies and generated code (the wasm module bytes in packages/core/src/generated). */
const SKIP = new Set(['node_modules', 'dist', 'generated', '.turbo', 'coverage', 'public']);
/** The size bar of every source file. */
export const MAX_LINES = 400;
/** Per-file bars tighter than {@link MAX_LINES}. */
export const BARS = { 'packages/train/src/trainer.ts': 250 };

/** Every source file under `dir`, as paths relative to the repository root with forward slashes. */
export function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.isFile() && SOURCE.test(entry.name)) out.push(relative(ROOT, path).split(sep).join('/'));
  }
  return out;
}

/** Lines of a file as `wc -l` counts them (a final line without a newline counts too). */
export function lineCount(text) {
  if (text.length === 0) return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

/** The files over their bar, as `path: N lines (limit L)`. */
export function oversized(files, read) {
  const over = [];
  for (const file of files) {
    const limit = BARS[file] ?? MAX_LINES;
    const n = lineCount(read(file));
    if (n > limit) over.push(`${file}: ${n} lines (limit ${limit})`);
  }
  return over;
}
