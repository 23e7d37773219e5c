// Shared vitest configuration for every steadygrad package.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const setup = fileURLToPath(new URL('./setup.js', import.meta.url));

/**
 * A package's internal `#name` imports (package.json `imports`, `"node"` condition → `./dist/x.js`) resolve to
 * `src/x.ts` in tests, so a test never runs a stale build of its own package.
 * @type {import('vite').Plugin}
 */
const sourceImports = {
  name: 'steadygrad-source-imports',
  enforce: 'pre',
  resolveId(id, importer) {
    const at = importer?.lastIndexOf('/src/') ?? -1;
    if (!id.startsWith('#') || importer === undefined || at < 0) return null;
    const root = importer.slice(0, at);
    const target = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).imports?.[id]?.node;
    if (typeof target !== 'string' || !target.startsWith('./dist/')) return null;
    return join(root, 'src', target.slice('./dist/'.length).replace(/\.js$/, '.ts'));
  },
};

/** @param {import('vitest/config').UserConfig['test']} [overrides] */
export function steadygradVitest(overrides = {}) {
  return defineConfig({
    plugins: [sourceImports],
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles: [setup],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: 'forks',
      poolOptions: { forks: { singleFork: true } },
      ...overrides,
    },
  });
}
