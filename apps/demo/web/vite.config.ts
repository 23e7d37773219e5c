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
    dedupe: ['@tensorflow/tfjs-core'],
  },
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
    // Two pages: the demo (index.html) and the browser bench's page (bench.html, driven by `pnpm bench:web`).
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        bench: fileURLToPath(new URL('bench.html', import.meta.url)),
      },
    },
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
