#!/usr/bin/env node
// `pnpm setup:tensorflow [--gpu] [--from-wheel FILE | --libtensorflow DIR | --from-pip] [--force] [--check]`:
// makes the `tensorflow` backend (@tensorflow/tfjs-node 4.22.0, or @tensorflow/tfjs-node-gpu with --gpu) usable
// by `useBackend('tensorflow')`, the demo, the bench and the tests' second pass.
//
// @tensorflow/tfjs-node is a devDependency of the workspace root, installed by `pnpm install` WITHOUT its install
// script (pnpm 10 runs no dependency's scripts unless allowed; pnpm-workspace.yaml lists it under
// ignoredBuiltDependencies), so installing the workspace never downloads anything from Google's storage. This
// step provides the native part — libtensorflow and the binding `lib/napi-v*/tfjs_binding.node` — by one of:
//   1. the package's normal download (libtensorflow 2.9.1 and the prebuilt binding from storage.googleapis.com),
//      tried when that host answers and no source is named;
//   2. a build from source of the binding (node-pre-gyp/node-gyp, Node's own headers; a C++ toolchain and
//      python3 needed) against a local TensorFlow:
//        --from-wheel FILE     a TensorFlow wheel (tensorflow-cpu, or tensorflow with CUDA for --gpu), Linux;
//        --libtensorflow DIR   an unpacked libtensorflow (lib/, include/);
//        --from-pip, or the download unreachable: `python3 -m pip download tensorflow-cpu==2.21.0 --no-deps`
//                              (tensorflow==2.21.0 for --gpu) from pip's configured index, cached in
//                              ~/.cache/steadygrad/tensorflow.
// Then it checks the result in fresh processes (tooling/scripts/tensorflow/verify.mjs: the backend, TF_Version,
// a matrix product and a gradient, both through `require` and through @steadygrad/core's `useBackend`) and says
// what it did. --force rebuilds a working install; --check only verifies.
//
// --gpu: tfjs-node-gpu has the same binding and scripts; it is unpacked next to tfjs-node (sharing its
// dependencies) and linked as node_modules/@tensorflow/tfjs-node-gpu. Built against a CUDA TensorFlow it runs on
// the GPU when the CUDA 12 runtime libraries and cuDNN 9 are found (pip's nvidia-* wheels or a CUDA install on
// LD_LIBRARY_PATH) and the NVIDIA driver supports CUDA 12; built against a CPU TensorFlow it loads and runs on
// the CPU (isUsingGpuDevice: false).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { request } from 'node:https';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bindingBuilt, packageDir as findPackage } from './tensorflow/binding.mjs';
import { librariesMegabytes, stageTensorFlow } from './tensorflow/stage.mjs';

const TFJS_NODE_VERSION = '4.22.0';
const TENSORFLOW_VERSION = '2.21.0';
const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const say = (line) => console.log(`setup:tensorflow: ${line}`);

const { values } = parseArgs({
  options: {
    gpu: { type: 'boolean', default: false },
    'from-wheel': { type: 'string' },
    libtensorflow: { type: 'string' },
    'from-pip': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});
const sources = ['from-wheel', 'libtensorflow', 'from-pip'].filter(
  (k) => values[k] !== undefined && values[k] !== false,
);
if (sources.length > 1) fail(`choose one of --${sources.join(', --')}`);
const packageName = values.gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';

function fail(message) {
  console.error(`setup:tensorflow: ${message}`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  return r.status === 0;
}

const packageDir = (name) => findPackage(ROOT, name);

/** tfjs-node-gpu, unpacked from its npm tarball beside tfjs-node so that it resolves the same dependencies. */
function ensureGpuPackage() {
  const existing = packageDir('@tensorflow/tfjs-node-gpu');
  if (existing !== undefined) return existing;
  const cpuDir = packageDir('@tensorflow/tfjs-node');
  if (cpuDir === undefined) fail('@tensorflow/tfjs-node is not installed: run `pnpm install` first');
  const target = join(dirname(cpuDir), 'tfjs-node-gpu');
  const tmp = join(tmpdir(), `steadygrad-tfjs-node-gpu-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  say(`fetching @tensorflow/tfjs-node-gpu@${TFJS_NODE_VERSION} from the npm registry (npm pack)`);
  if (
    !run('npm', [
      'pack',
      `@tensorflow/tfjs-node-gpu@${TFJS_NODE_VERSION}`,
      '--pack-destination',
      tmp,
      '--silent',
    ])
  ) {
    fail('npm pack @tensorflow/tfjs-node-gpu failed');
  }
  const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  const staging = `${target}.staging-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  if (!run('tar', ['xzf', join(tmp, tgz), '-C', staging, '--strip-components=1'])) fail('unpacking failed');
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  rmSync(tmp, { recursive: true, force: true });
  const link = join(ROOT, 'node_modules/@tensorflow/tfjs-node-gpu');
  rmSync(link, { recursive: true, force: true });
  symlinkSync(relative(dirname(link), target), link);
  say(`unpacked it in ${target}, linked as node_modules/@tensorflow/tfjs-node-gpu`);
  return target;
}

/** Verification in fresh processes; returns the parsed results (or fails). */
function verify() {
  const script = join(ROOT, 'tooling/scripts/tensorflow/verify.mjs');
  const checks = [['--package', packageName]];
  if (existsSync(join(ROOT, 'packages/core/dist/index.js')))
    checks.push(['--package', packageName, '--core']);
  const results = [];
  for (const args of checks) {
    const r = spawnSync(process.execPath, [script, ...args], { cwd: ROOT, encoding: 'utf8' });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    let parsed;
    try {
      parsed = JSON.parse(line);
    } catch {
      fail(`verification (${args.join(' ')}) crashed:\n${r.stdout}${r.stderr}`);
    }
    if (r.status !== 0) fail(`verification failed: ${line}\n${r.stderr}`);
    results.push(parsed);
  }
  return results;
}

function report(how) {
  const results = verify();
  const [first] = results;
  say(`done: ${how}`);
  say(
    `verified: backend '${first.backend}', TensorFlow ${first.tfVersion}, matMul and d/dx Σx³ at [1,2,3] = [${first.gradient}] exact, no tensor leaked` +
      `${first.isGPUPackage ? `, tfjs-node-gpu (GPU device in use: ${first.isUsingGpuDevice})` : ''}`,
  );
  if (results.length > 1)
    say(`verified: @steadygrad/core useBackend('tensorflow') loads ${results[1].packageName}`);
  else say('note: @steadygrad/core is not built yet (pnpm build), so its useBackend was not checked');
}

function storageReachable() {
  return new Promise((done) => {
    const req = request(
      'https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz',
      { method: 'HEAD', timeout: 8000 },
      (res) => done(res.statusCode !== undefined && res.statusCode < 400),
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done(false));
    req.end();
  });
}

function pipWheel() {
  const spec = `${values.gpu ? 'tensorflow' : 'tensorflow-cpu'}==${TENSORFLOW_VERSION}`;
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'steadygrad', 'tensorflow');
  const prefix = `${values.gpu ? 'tensorflow' : 'tensorflow_cpu'}-${TENSORFLOW_VERSION}-`;
  const cached = () =>
    existsSync(cache)
      ? readdirSync(cache).find((f) => f.startsWith(prefix) && f.endsWith('.whl'))
      : undefined;
  if (cached() === undefined) {
    say(`python3 -m pip download ${spec} --no-deps (pip's configured index) into ${cache}`);
    const args = ['-m', 'pip', 'download', spec, '--no-deps', '--only-binary=:all:', '-d', cache, '--quiet'];
    if (!run('python3', args))
      fail(`pip could not download ${spec}; pass --from-wheel FILE or --libtensorflow DIR`);
  }
  const wheel = cached();
  if (wheel === undefined) fail(`pip downloaded no ${prefix}*.whl into ${cache}`);
  return join(cache, wheel);
}

function buildFromSource(dir, source) {
  if (process.platform !== 'linux' && source.wheel !== undefined) {
    fail('--from-wheel and --from-pip build on Linux; elsewhere use --libtensorflow DIR');
  }
  say(`staging TensorFlow from ${source.wheel ?? source.libtensorflow} into ${join(dir, 'deps')}`);
  const { depsDir, libraries } = stageTensorFlow(dir, source);
  say(`staged ${libraries.join(', ')} (${librariesMegabytes(depsDir)} MB)`);
  for (const d of ['build', 'lib']) rmSync(join(dir, d), { recursive: true, force: true });
  const preGyp = createRequire(join(dir, 'package.json')).resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp');
  const nodeDir = resolve(dirname(process.execPath), '..');
  const args = [preGyp, 'install', '--build-from-source'];
  // Node's headers ship with Node (include/node); with them node-gyp downloads nothing.
  if (existsSync(join(nodeDir, 'include/node/node_api.h'))) args.push(`--nodedir=${nodeDir}`);
  const npmGyp = join(nodeDir, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  const env = { ...process.env };
  if (env.npm_config_node_gyp === undefined && existsSync(npmGyp)) env.npm_config_node_gyp = npmGyp;
  say(`building the binding: node-pre-gyp install --build-from-source (about a minute on 2 cores)`);
  const t0 = Date.now();
  if (!run(process.execPath, args, { cwd: dir, env }) || !bindingBuilt(dir)) {
    for (const d of ['build', 'lib']) rmSync(join(dir, d), { recursive: true, force: true });
    fail('building the binding failed (needs python3, make and a C++ compiler); see the output above');
  }
  return (Date.now() - t0) / 1000;
}

async function main() {
  if (!['linux', 'darwin', 'win32'].includes(process.platform))
    fail(`unsupported platform ${process.platform}`);
  let dir = values.gpu ? ensureGpuPackage() : packageDir(packageName);
  if (dir === undefined) fail(`${packageName} is not installed: run \`pnpm install\` first`);
  dir = realpathSync(dir);
  if (values.check) {
    if (!bindingBuilt(dir)) fail(`${packageName} has no binding yet: run \`pnpm setup:tensorflow\``);
    return report(`checked ${packageName} in ${dir}`);
  }
  if (!values.force && sources.length === 0 && bindingBuilt(dir)) {
    return report(`${packageName} already has its binding (${dir}); --force rebuilds it`);
  }
  if (values['from-wheel'] !== undefined) {
    const wheel = resolve(values['from-wheel']);
    if (!existsSync(wheel)) fail(`--from-wheel ${wheel}: no such file`);
    const s = buildFromSource(dir, { wheel });
    return report(`built ${packageName}'s binding from source (${s.toFixed(0)} s) against ${wheel}`);
  }
  if (values.libtensorflow !== undefined) {
    const s = buildFromSource(dir, { libtensorflow: resolve(values.libtensorflow) });
    return report(
      `built ${packageName}'s binding from source (${s.toFixed(0)} s) against ${values.libtensorflow}`,
    );
  }
  if (!values['from-pip']) {
    say(
      'trying the normal download (libtensorflow 2.9.1 and the prebuilt binding from storage.googleapis.com)',
    );
    if (await storageReachable()) {
      const installArgs = values.gpu ? ['scripts/install.js', 'gpu', 'download'] : ['scripts/install.js'];
      if (run(process.execPath, installArgs, { cwd: dir, timeout: 900_000 }) && bindingBuilt(dir)) {
        return report(
          `installed ${packageName} with its normal download (libtensorflow 2.9.1, prebuilt binding)`,
        );
      }
      say('the normal download failed; building from a local TensorFlow instead');
    } else {
      say('storage.googleapis.com is unreachable; building from a local TensorFlow instead');
    }
  }
  const wheel = pipWheel();
  const s = buildFromSource(dir, { wheel });
  report(
    `built ${packageName}'s binding from source (${s.toFixed(0)} s) against TensorFlow ${TENSORFLOW_VERSION} from ${wheel}`,
  );
}

await main();
