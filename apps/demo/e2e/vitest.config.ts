import { defineConfig } from 'vitest/config';

// The browser test: real headless Chromium (Debian's /usr/bin/chromium through playwright-core) on the
// static build. Run with `pnpm test:e2e` (root) or `pnpm --filter @steadygrad/demo test:e2e`.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
  },
});
