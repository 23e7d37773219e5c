// `pnpm bench:web`: steadygrad against tfjs-layers in the browser (issue 24). The demo's web build has a
// second page, bench.html (web/src/bench-page.ts); this driver serves the build, opens that page in headless
// Chromium (Debian's /usr/bin/chromium through playwright-core, never a browser download) and runs every job
// on it — each system on wasm and on WebGL at batch 32 and 256, each job in a fresh worker, the order of the
// systems alternating between repetitions — then prints a table and, with --json, a last line
// `{ runs, summaries, ratios }`, `ratios` holding steadygrad ÷ tfjs-layers samples/s per backend and batch size
// (ratio of the medians, and paired: within each repetition, then the median).
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { integerFlag, parseCommandLine, runCommand, UsageError } from '../cli-args.js';
import { serveStatic } from '../static-server.js';
import { summarizeWeb, type WebBenchSummary, webRatios } from './web-bench-stats.js';
import type { WebBenchBackend, WebBenchJob, WebBenchRun, WebBenchSystem } from './web-bench-types.js';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SYSTEMS: readonly WebBenchSystem[] = ['steadygrad', 'tfjs-layers'];
const BACKENDS: readonly WebBenchBackend[] = ['wasm', 'webgl'];
const BATCHES = [32, 256] as const;

function table(summaries: readonly WebBenchSummary[]): string {
  const lines = [
    '| system | backend | batch | samples/s | test acc | kernels/step | tensors leaked | reps |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of summaries) {
    lines.push(
      `| ${s.system} | ${s.backend} | ${s.batchSize} | ${s.samplesPerSecond.toFixed(0)} | ${s.testAccuracy.toFixed(4)} | ${s.kernelsPerStep.toFixed(0)} | ${s.tensorsLeaked} | ${s.reps} |`,
    );
  }
  return lines.join('\n');
}

const fmt = (v: number | null): string => (v === null ? 'null' : `${v.toFixed(2)}×`);

async function main(): Promise<void> {
  const { values } = parseCommandLine(() =>
    parseArgs({
      strict: true,
      options: {
        quick: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        reps: { type: 'string' },
        samples: { type: 'string' },
        warmup: { type: 'string', default: '2' },
        seed: { type: 'string', default: '42' },
        backends: { type: 'string', default: BACKENDS.join(',') },
        gpu: { type: 'boolean', default: false },
      },
    }),
  );
  const reps = integerFlag('--reps', values.reps, { min: 1 }) ?? (values.quick ? 1 : 3);
  const samples = integerFlag('--samples', values.samples, { min: 32 }) ?? (values.quick ? 2000 : 10000);
  const warmupBatches = integerFlag('--warmup', values.warmup) as number;
  const seed = integerFlag('--seed', values.seed) as number;
  const backends = values.backends.split(',');
  for (const b of backends) {
    if (!(BACKENDS as readonly string[]).includes(b))
      throw new UsageError(`--backends takes a comma-separated list of ${BACKENDS.join(', ')}, got '${b}'`);
  }
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath))
    throw new Error(`${chromiumPath} is missing: install Debian's chromium or set CHROMIUM_PATH`);
  const build = join(appDir, 'dist', 'web');
  if (!existsSync(join(build, 'bench.html')))
    throw new Error(
      `${build}/bench.html is missing: build the demo first (pnpm --filter @steadygrad/demo build)`,
    );
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };

  // A private copy of the build with the Fashion-MNIST subset (a concurrent rebuild must not pull files away).
  const served = mkdtempSync(join(tmpdir(), 'steadygrad-bench-web-'));
  cpSync(build, served, { recursive: true });
  cpSync(join(appDir, 'web', 'public', 'data'), join(served, 'data'), { recursive: true });
  const server = await serveStatic(served);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      // Without --gpu, WebGL runs on SwiftShader (the CPU), the same on every machine.
      ...(values.gpu ? ['--enable-gpu', '--ignore-gpu-blocklist'] : ['--use-angle=swiftshader']),
      '--enable-unsafe-swiftshader',
    ],
  });
  const runs: (WebBenchRun & { rep: number })[] = [];
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}bench.html`);
    await page.waitForFunction('window.__steadygradBench !== undefined', null, { timeout: 60_000 });
    // Page-side code as strings: this file compiles for Node, without the DOM's types.
    const renderer = String(
      await page.evaluate(`(() => {
        const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
        const ext = gl && gl.getExtension('WEBGL_debug_renderer_info');
        return gl && ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'no WebGL 2';
      })()`),
    );
    log(`bench:web: Chromium ${browser.version()}, WebGL renderer: ${renderer}`);
    for (let rep = 0; rep < reps; rep++) {
      for (const backend of backends as WebBenchBackend[]) {
        for (const batchSize of BATCHES) {
          const order = rep % 2 === 0 ? SYSTEMS : [...SYSTEMS].reverse();
          for (const system of order) {
            const job: Omit<WebBenchJob, 'dataUrl'> = {
              system,
              backend,
              batchSize,
              samples,
              warmupBatches,
              seed,
            };
            const run = (await page.evaluate(
              `window.__steadygradBench.run(${JSON.stringify(job)})`,
            )) as WebBenchRun;
            log(
              `rep ${rep + 1}/${reps} ${system} ${run.backend} batch ${batchSize}: ${run.samplesPerSecond.toFixed(0)} samples/s, ` +
                `accuracy ${run.testAccuracy.toFixed(4)}, ${run.kernelsPerStep.toFixed(0)} kernels/step, ${run.tensorsLeaked} leaked`,
            );
            runs.push({ ...run, rep });
          }
        }
      }
    }
    if (pageErrors.length > 0) throw new Error(`the bench page reported errors: ${pageErrors.join('; ')}`);
    const summaries = summarizeWeb(runs);
    const ratios = webRatios(runs, summaries);
    console.log(table(summaries));
    console.log(
      `steadygrad ÷ tfjs-layers samples/s, wasm: ${fmt(ratios.wasm.batch32)} (batch 32), ${fmt(ratios.wasm.batch256)} (256); ` +
        `WebGL: ${fmt(ratios.webgl.batch32)}, ${fmt(ratios.webgl.batch256)} (issue 24's bars: >= 5 on wasm, >= 2 on WebGL)`,
    );
    if (values.json) {
      console.log(
        JSON.stringify({ chromium: browser.version(), renderer, samples, reps, runs, summaries, ratios }),
      );
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(served, { recursive: true, force: true });
  }
}

runCommand(
  main,
  'usage: pnpm bench:web [--quick] [--json] [--reps N] [--samples N] [--warmup N] [--seed N] [--backends wasm,webgl] [--gpu]',
);
