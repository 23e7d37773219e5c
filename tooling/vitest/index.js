// Shared vitest configuration for every steadygrad package.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const setup = fileURLToPath(new URL('./setup.js', import.meta.url));

/** @param {import('vitest/config').UserConfig['test']} [overrides] */
export function steadygradVitest(overrides = {}) {
  return defineConfig({
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
