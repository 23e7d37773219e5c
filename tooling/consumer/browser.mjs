#!/usr/bin/env node
// Browser consumer test: the packages installed from their tarballs into a fresh Vite app, built, served and
// run in headless Chromium on WebGL.
//
//   node tooling/consumer/browser.mjs [--keep] [--pack-dir DIR]      (build first; npm test runs it)
//
// 1. `pnpm pack` core, datasets, interop, nn, optim, train and their internal dependencies (or reuse DIR's);
// 2. a fresh temp project with tooling/consumer/browser-app (index.html, src/main.js) and `npm install` of
//    ONLY those tarballs + @tensorflow/tfjs-core and @tensorflow/tfjs-backend-webgl 4.22.0 + vite — no alias,
//    no shim, no workspace above it;
// 3. `vite build`: no module may be externalized for browser compatibility (a `node:*` import), and the
//    bundle may not contain cli-progress;
// 4. serve dist/ on 127.0.0.1 and open it in Debian's /usr/bin/chromium (CHROMIUM_PATH overrides; never a
//    downloaded browser) through playwright-core, headless, WebGL on SwiftShader. The app checks useBackend's
//    browser error, trains on webgl with an IndexedDB checkpoint and console progress, saves the model to
//    indexeddb://, loads it back and compares predictions, and checks for leaks; each check is one test.
// Ends with `browser-consumer: N passed, M failed`.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize, relative, sep } from 'node:path';
import { packPackage, publishablePackages, ROOT, withInternalDeps } from '../release/workspace.mjs';

const TFJS_VERSION = '4.22.0';
const NEEDED = ['core', 'datasets', 'interop', 'nn', 'optim', 'train'].map((d) => `@steadygrad/${d}`);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const demo = JSON.parse(readFileSync(join(ROOT, 'apps', 'demo', 'package.json'), 'utf8'));
const VITE_VERSION = demo.devDependencies.vite;
// playwright-core drives the browser from this script (the demo's e2e test uses the same one).
const { chromium } = createRequire(join(ROOT, 'apps', 'demo', 'package.json'))('playwright-core');

const argv = process.argv.slice(2);
const keep = argv.includes('--keep');
const packDirIdx = argv.indexOf('--pack-dir');
const packDir = packDirIdx >= 0 ? argv[packDirIdx + 1] : undefined;
const started = Date.now();
const log = (msg) => console.log(`browser-consumer: ${msg}`);
let passed = 0;
let failed = 0;
const result = (name, ok, detail = '') => {
  if (ok) passed++;
  else failed++;
  (ok ? console.log : console.error)(
    `browser-consumer: ${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`,
  );
};

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return { ok: r.status === 0, status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
};
/** A plain static server for dist/ on 127.0.0.1 (a free port). */
async function serve(root) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

const work = mkdtempSync(join(tmpdir(), 'steadygrad-browser-consumer-'));
const project = join(work, 'app');
let browser;
try {
  const all = publishablePackages();
  const toPack = withInternalDeps(all, NEEDED);
  log(`packing ${toPack.map((p) => p.dir).join(', ')}`);
  mkdirSync(join(work, 'tarballs'));
  cpSync(join(ROOT, 'tooling', 'consumer', 'browser-app'), project, { recursive: true });
  const deps = {};
  for (const p of toPack) {
    deps[p.name] =
      `file:${packDir ? packPackage(p, packDir, { reuse: true }) : relative(project, packPackage(p, join(work, 'tarballs')))}`;
  }
  deps['@tensorflow/tfjs-core'] = TFJS_VERSION;
  deps['@tensorflow/tfjs-backend-webgl'] = TFJS_VERSION;
  const manifest = { name: 'steadygrad-browser-consumer', private: true, type: 'module', dependencies: deps };
  manifest.devDependencies = { vite: VITE_VERSION };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  log(`npm install ${Object.keys(deps).length + 1} packages (${toPack.length} tarballs) in ${project}`);
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: project,
  });
  if (!install.ok) throw new Error(`npm install failed (exit ${install.status}):\n${install.out}`);

  const vite = run(process.execPath, [join(project, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: project,
  });
  result('vite build', vite.ok, vite.ok ? '' : vite.out.slice(-3000));
  if (!vite.ok) throw new Error('the app does not build');
  const externalized = vite.out
    .split('\n')
    .filter((l) => /externalized for browser compatibility|node:/.test(l));
  result('vite externalizes no Node built-in', externalized.length === 0, externalized.join('\n'));
  const bundle = run('sh', ['-c', 'cat dist/assets/*.js'], { cwd: project }).out;
  const nodeOnly = [
    'cli-progress',
    'from"node:',
    'from "node:',
    'require("readline")',
    'require("events")',
  ].filter((s) => bundle.includes(s));
  result('the bundle holds no terminal or Node-only module', nodeOnly.length === 0, nodeOnly.join(', '));

  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium or set CHROMIUM_PATH`);
  const server = await serve(join(project, 'dist'));
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
      ],
    });
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    const t0 = Date.now();
    await page.goto(server.url);
    await page.waitForFunction(() => window.__consumer?.done === true, undefined, { timeout: 240_000 });
    const checks = await page.evaluate(() => window.__consumer.checks);
    log(`the app ran in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const c of checks) result(c.name, c.ok, c.ok ? c.detail.slice(0, 300) : c.detail);
    if (checks.length < 9) result('every check of the app ran', false, `${checks.length} of 9`);
    result('no page error or console error', pageErrors.length === 0, pageErrors.join('\n'));
  } finally {
    await server.close();
  }
} catch (e) {
  result('browser consumer', false, e.message);
} finally {
  await browser?.close();
  if (keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
log(`${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
