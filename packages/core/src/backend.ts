import * as tf from '@tensorflow/tfjs-core';
import { checkOptions, optionKeys } from './check-options.js';
import { SteadygradError } from './errors.js';
import { registerGradients } from './gradients.js';
import { isNode } from './is-node.js';
import { enableRelaxedSimd } from './kernels/runtime/relaxed-simd-flag.js';
import { hostRelaxedSimdAvailable } from './kernels/runtime/simd-module.js';
import { checkBoolean, checkNumber, checkOneOf } from './validate.js';

export { isNode };

/**
 * A tfjs backend steadygrad can select: `cpu` (pure JavaScript, everywhere), `wasm` (WebAssembly, Node and
 * browsers), `webgl` (GPU, browsers) or `tensorflow` (`@tensorflow/tfjs-node`, native TensorFlow in Node).
 */
export type BackendName = 'cpu' | 'wasm' | 'webgl' | 'tensorflow';
/**
 * What `useBackend` accepts: a backend name, or `'auto'` for the fastest one available (Node: tensorflow > wasm
 * > cpu; browser: webgl > wasm > cpu).
 */
export type BackendChoice = BackendName | 'auto';

/** Every value `useBackend` accepts, `'auto'` first (for command-line parsing and validation). */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'cpu', 'wasm', 'webgl', 'tensorflow'];

/** The npm packages that provide each backend, in the order they are tried. */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, readonly string[]>> = {
  cpu: ['@tensorflow/tfjs-backend-cpu'],
  wasm: ['@tensorflow/tfjs-backend-wasm'],
  webgl: ['@tensorflow/tfjs-backend-webgl'],
  tensorflow: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
};

/** The tfjs engine's registered name for each backend. */
const ENGINE_NAME: Readonly<Record<BackendName, string>> = {
  cpu: 'cpu',
  wasm: 'wasm',
  webgl: 'webgl',
  tensorflow: 'tensorflow',
};

/** Options of `useBackend`. */
export interface UseBackendOptions {
  /**
   * How to load a backend package that is not registered yet. Defaults to a dynamic `import()` of the
   * package name, which works in Node. Bundled browser apps import their backends statically instead
   * (then the backend is already registered and nothing is loaded).
   */
  readonly load?: (packageName: string) => Promise<unknown>;
  /**
   * When the wasm backend is chosen, make WebAssembly relaxed SIMD available to core's matrix products
   * (fused multiply-adds: ~13% off a training step of the seed model at batch 32, ~19% at batch 256, measured
   * on an Intel Xeon): on Node 20 and 21 this sets V8's `--experimental-wasm-relaxed-simd` flag for the
   * process (see {@link enableRelaxedSimd}); Node ≥ 22 and browsers need nothing. Default `true`; `false`
   * leaves V8's flags alone, so Node 20/21 keep the plain SIMD tiles (to use the plain tiles everywhere, call
   * `setHostRelaxedSimdEnabled(false)`).
   */
  readonly relaxedSimd?: boolean;
  /**
   * The size of TensorFlow's intra-op thread pool when the `tensorflow` backend is chosen (a positive integer;
   * ignored for the other backends). TensorFlow reads it once, when tfjs-node is first loaded in the process,
   * from the `TF_NUM_INTRAOP_THREADS` environment variable, which this sets just before loading it. Default:
   * TensorFlow's own (one thread per core, or the variable when the environment sets it). Small models train
   * faster on one thread: the seed MLP's step at batch 32 spends more time handing each op to the pool's
   * threads than computing (measured on a 2-core machine: ~1.8x faster at batch 32, ~1.4x at 256); larger
   * products want the cores.
   * Asking for a count other than the one the process's TensorFlow was loaded with is `INVALID_ARGUMENT`.
   */
  readonly tensorflowThreads?: number;
}

/**
 * What `useBackend` resolves to: the backend that was asked for, the one now active and the package that
 * provides it.
 */
export interface BackendInfo {
  /** What was asked for. */
  readonly requested: BackendChoice;
  /** The backend now active. */
  readonly name: BackendName;
  /** The package that provided it, when one had to be loaded. */
  readonly packageName: string | undefined;
  /**
   * Whether core's wasm matrix products use WebAssembly relaxed SIMD (fused multiply-adds) from now on:
   * `false` on other backends, where the platform lacks it, or after `relaxedSimd: false` on Node 20/21.
   */
  readonly relaxedSimd: boolean;
}

const defaultLoad = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

async function tryLoad(
  name: BackendName,
  load: (p: string) => Promise<unknown>,
): Promise<string | undefined> {
  if (tf.findBackendFactory(ENGINE_NAME[name]) !== null) return undefined;
  const errors: string[] = [];
  for (const pkg of BACKEND_PACKAGES[name]) {
    try {
      await load(pkg);
      if (tf.findBackendFactory(ENGINE_NAME[name]) !== null) return pkg;
      errors.push(`${pkg} loaded but registered no '${ENGINE_NAME[name]}' backend`);
    } catch (e) {
      errors.push(`${pkg}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new SteadygradError('BACKEND_UNAVAILABLE', unavailableMessage(name, errors), {
    details: { backend: name, tried: BACKEND_PACKAGES[name], errors },
  });
}

function unavailableMessage(name: BackendName, errors: readonly string[]): string {
  const pkg = BACKEND_PACKAGES[name][0];
  let how: string;
  if (!isNode()) {
    // A bundled app cannot load a package by name at run time: the bundler must see a static import.
    how =
      name === 'tensorflow'
        ? "'tensorflow' (tfjs-node) runs only in Node; in a browser choose 'webgl', 'wasm' or 'cpu'"
        : `in a browser app, import the backend statically: add \`import '${pkg}';\` to your app's entry ` +
          `(install '${pkg}' with npm, same version as @tensorflow/tfjs-core); useBackend('${name}') then selects it`;
  } else {
    how =
      name === 'tensorflow'
        ? "install '@tensorflow/tfjs-node' (or '@tensorflow/tfjs-node-gpu', CUDA) with npm; its install script " +
          'downloads libtensorflow and a prebuilt binding from storage.googleapis.com; where that host is unreachable, ' +
          "install it with --ignore-scripts and build its binding from a local TensorFlow (steadygrad's repository: " +
          "`pnpm setup:tensorflow`, see @steadygrad/core's README)"
        : `install '${pkg}' (same version as @tensorflow/tfjs-core)`;
  }
  return `backend '${name}' is not available: ${how}. Tried: ${errors.join('; ')}`;
}

const USE_BACKEND_KEYS = optionKeys<UseBackendOptions>()(['load', 'relaxedSimd', 'tensorflowThreads']);

/** The environment variable TensorFlow sizes its intra-op thread pool from. */
const TF_THREADS_ENV = 'TF_NUM_INTRAOP_THREADS';

/** `process.env` in Node, `undefined` elsewhere. */
function processEnv(): Record<string, string | undefined> | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env;
}

/**
 * Checks `useBackend`'s `tensorflowThreads` against a TensorFlow this process already loaded: its pool size
 * was fixed then (from the environment variable), so another count cannot be honoured.
 */
function checkTensorflowThreads(threads: number | undefined): void {
  if (threads === undefined) return;
  if (tf.findBackendFactory(ENGINE_NAME.tensorflow) === null) return;
  const loadedWith = processEnv()?.[TF_THREADS_ENV];
  if (loadedWith !== String(threads)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `useBackend option tensorflowThreads: TensorFlow was already loaded in this process with ${
        loadedWith === undefined ? 'its default thread pool' : `${TF_THREADS_ENV}=${loadedWith}`
      }; its thread count is fixed when tfjs-node is first loaded, so ${threads} cannot take effect`,
      { details: { tensorflowThreads: threads, loadedWith: loadedWith ?? null } },
    );
  }
}

/**
 * Selects the tfjs backend and waits until it is ready; registers gradients.
 *
 * `auto` picks, in Node: `tensorflow` when `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node` is
 * installed, else `wasm`, else `cpu`; in a browser: `webgl`, else `wasm`, else `cpu`.
 * A named backend that cannot be loaded or initialized is a `BACKEND_UNAVAILABLE` error that says how to
 * install it — in a browser, how to import it statically (a bundle cannot load a package by name). Library packages never import a backend; applications call this once at start-up.
 */
export async function useBackend(
  choice: BackendChoice = 'auto',
  options: UseBackendOptions = {},
): Promise<BackendInfo> {
  checkOptions('useBackend', options, USE_BACKEND_KEYS);
  const { load = defaultLoad, relaxedSimd = true, tensorflowThreads } = options;
  checkOneOf('backend', choice, BACKEND_CHOICES);
  checkBoolean('useBackend option relaxedSimd', relaxedSimd);
  const candidates: readonly BackendName[] =
    choice !== 'auto' ? [choice] : isNode() ? ['tensorflow', 'wasm', 'cpu'] : ['webgl', 'wasm', 'cpu'];
  if (tensorflowThreads !== undefined) {
    checkNumber('useBackend option tensorflowThreads', tensorflowThreads, { min: 1, integer: true });
    if (candidates.includes('tensorflow')) checkTensorflowThreads(tensorflowThreads);
  }
  registerGradients();
  const failures: string[] = [];
  for (const name of candidates) {
    try {
      let packageName: string | undefined;
      if (name === 'tensorflow') {
        const env = processEnv();
        const previous = env?.[TF_THREADS_ENV];
        if (tensorflowThreads !== undefined && env !== undefined)
          env[TF_THREADS_ENV] = String(tensorflowThreads);
        try {
          packageName = await tryLoad(name, load);
        } catch (e) {
          // Not loaded: the environment goes back to what it was ('auto' then tries the next backend).
          if (tensorflowThreads !== undefined && env !== undefined) {
            if (previous === undefined) delete env[TF_THREADS_ENV];
            else env[TF_THREADS_ENV] = previous;
          }
          throw e;
        }
      } else packageName = await tryLoad(name, load);
      const ok = await tf.setBackend(ENGINE_NAME[name]);
      if (!ok) throw new SteadygradError('BACKEND_UNAVAILABLE', `backend '${name}' failed to initialize`);
      await tf.ready();
      const relaxed =
        name === 'wasm' && (relaxedSimd ? await enableRelaxedSimd() : true) && hostRelaxedSimdAvailable();
      return { requested: choice, name, packageName, relaxedSimd: relaxed };
    } catch (e) {
      if (choice !== 'auto') throw e;
      failures.push((e as Error).message);
    }
  }
  throw new SteadygradError('BACKEND_UNAVAILABLE', `no backend could be started: ${failures.join(' | ')}`);
}

/** The active backend's name, as steadygrad names it. */
export function currentBackend(): string {
  return tf.getBackend();
}
