// The browser bench's page: `window.__steadygradBench.run(job)` starts a fresh module worker
// (bench-worker.ts), which measures one system on one backend and ends. The Node driver (`pnpm bench:web`)
// calls it job after job, so every system and backend runs on the same page, one after another.
import type { WebBenchJob, WebBenchRun } from '../../src/bench/web-bench-types.js';

declare global {
  interface Window {
    __steadygradBench: {
      /** The served Fashion-MNIST subset of this build. */
      readonly dataUrl: string;
      run(job: Omit<WebBenchJob, 'dataUrl'>): Promise<WebBenchRun>;
    };
  }
}

const log = document.getElementById('log') as HTMLPreElement;
const dataUrl = new URL('data/', document.baseURI).href;

function run(job: Omit<WebBenchJob, 'dataUrl'>): Promise<WebBenchRun> {
  const worker = new Worker(new URL('./bench-worker.ts', import.meta.url), { type: 'module' });
  log.textContent += `${job.system} on ${job.backend}, batch ${job.batchSize}, ${job.samples} samples… `;
  return new Promise<WebBenchRun>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ run: WebBenchRun } | { error: string }>) => {
      worker.terminate();
      if ('run' in e.data) {
        log.textContent += `${e.data.run.samplesPerSecond.toFixed(0)} samples/s\n`;
        resolve(e.data.run);
      } else {
        log.textContent += `error: ${e.data.error}\n`;
        reject(new Error(e.data.error));
      }
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`the bench worker failed: ${e.message}`));
    };
    worker.postMessage({ ...job, dataUrl } satisfies WebBenchJob);
  });
}

window.__steadygradBench = { dataUrl, run };
