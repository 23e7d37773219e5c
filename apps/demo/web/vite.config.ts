import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The demo's web page. `vite` (pnpm demo:web) serves it on http://127.0.0.1:5173; `vite build` writes
 * static files with relative URLs (base './') to apps/demo/dist/web, which work from any static host.
 * Training runs in a module worker (src/worker.ts); Fashion-MNIST comes from public/data (built from the
 * real files by scripts/make-subset.mjs).
 */
export default defineConfig({
  root: here,
  base: './',
  resolve: {
    alias: [
      // The experiments import '@steadygrad/datasets'; in the browser its Node-free entry serves the same
      // functions (splits, sources, parseIdx). A Node-only import fails the build, loudly.
      { find: /^@steadygrad\/datasets$/, replacement: '@steadygrad/datasets/browser' },
      // @steadygrad/train's terminal progress bar (verbose 1) is never used in the page (verbose 0).
      {
        find: /^cli-progress$/,
        replacement: fileURLToPath(new URL('./src/shims/cli-progress.ts', import.meta.url)),
      },
    ],
    dedupe: ['@tensorflow/tfjs-core'],
  },
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
