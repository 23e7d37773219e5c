import * as tf from '@tensorflow/tfjs-core';
import { NativeTensorflow } from './native-tensorflow.js';
import { setHostMemory } from './simd-module.js';

/** Float32 views of a host kernel's inputs or outputs, by name (`undefined` for an omitted optional input). */
export type HostArrays = Readonly<Record<string, Float32Array | undefined>>;

/**
 * Int32 views of a host kernel's int32 inputs (those listed in {@link HostKernel.int32Inputs}), by name
 * (`undefined` for an omitted optional input).
 */
export type HostInt32Arrays = Readonly<Record<string, Int32Array | undefined>>;

/** Shapes of a host kernel's inputs, by name. */
export type HostShapes = Readonly<Record<string, readonly number[] | undefined>>;

/**
 * A kernel written as a plain JavaScript loop over float32 arrays, runnable on the backends whose tensors
 * live in host memory: `cpu` (a `Float32Array` per tensor) and `wasm` (a region of the WebAssembly heap,
 * viewed in place, no copy). One call is ONE engine kernel however much work it does, which is the point:
 * tfjs pays ~10–20 µs of dispatch per kernel, so fusing a dozen elementwise ops and reductions on small
 * tensors into one loop removes most of a training step's overhead.
 *
 * Every output is float32, and so is every input except those listed in `int32Inputs` (e.g. class labels),
 * which must be int32 tensors and reach `compute` as `Int32Array` views in its fifth argument (they are
 * absent from its first). `outputs` lists the output names in the order `runHostKernel` returns
 * them; `outputShapes` gives their shapes from the input shapes and attributes (an output may be left out
 * by returning no shape for it: the caller then gets fewer tensors). `compute` must fill every element of
 * every output (outputs are not zeroed: the wasm heap is reused).
 */
export interface HostKernel<A extends object = Record<string, never>> {
  /** The engine kernel name, e.g. `'SteadygradBatchNormTrain'`. Must be unique. */
  readonly name: string;
  readonly inputs: readonly string[];
  /**
   * The inputs (a subset of `inputs`) that are int32 tensors rather than float32: their dtype is checked, and
   * `compute` reads them from its fifth argument as `Int32Array` views (the cpu backend's values, or the wasm
   * heap viewed in place). Default: none.
   */
  readonly int32Inputs?: readonly string[];
  readonly outputs: readonly string[];
  /**
   * The shape of each output, from the input shapes and the attributes (called before any output is allocated).
   */
  outputShapes(shapes: HostShapes, attrs: A): Readonly<Record<string, readonly number[] | undefined>>;
  /**
   * Fills the outputs from the inputs: plain float32 (and int32) arrays, views of the backend memory where
   * possible.
   */
  compute(
    inputs: HostArrays,
    outputs: HostArrays,
    shapes: HostShapes,
    attrs: A,
    int32Inputs: HostInt32Arrays,
  ): void;
  /**
   * Optional: the same computation as TensorFlow ops, for the `tensorflow` backend (tfjs-node), where a
   * JavaScript loop cannot see the tensors but TensorFlow's own fused kernels can replace a chain of tfjs ops
   * (see {@link NativeTensorflow}). Gets the present inputs by name and returns the present outputs in
   * `outputs` order as new tensors; same formulas, float32 rounding of TensorFlow's kernels. With it,
   * {@link hostKernelAvailable} is true on `tensorflow` too and {@link runHostKernel} calls it there.
   */
  readonly tensorflow?: (
    inputs: Readonly<Record<string, tf.Tensor | undefined>>,
    attrs: A,
    native: NativeTensorflow,
  ) => tf.Tensor[];
}

/** The backends host kernels are registered for. */
export const HOST_KERNEL_BACKENDS: readonly string[] = ['cpu', 'wasm'];

interface WasmDataRecord {
  readonly memoryOffset: number;
}
interface WasmBackendLike {
  readonly wasm: {
    readonly HEAPF32: Float32Array;
    readonly HEAP32: Int32Array;
    readonly asm?: { readonly memory?: WebAssembly.Memory };
    readonly wasmMemory?: WebAssembly.Memory;
  };
  readonly dataIdMap: { get(dataId: object): WasmDataRecord | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}
interface CpuBackendLike {
  readonly data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

function presentOutputs<A extends object>(
  k: HostKernel<A>,
  shapes: HostShapes,
  attrs: A,
): [string, number[]][] {
  const out = k.outputShapes(shapes, attrs);
  const list: [string, number[]][] = [];
  for (const name of k.outputs) {
    const s = out[name];
    if (s !== undefined) list.push([name, [...s]]);
  }
  return list;
}

function inputShapes(k: HostKernel<object>, inputs: tf.NamedTensorInfoMap): HostShapes {
  const shapes: Record<string, readonly number[] | undefined> = {};
  for (const name of k.inputs) shapes[name] = inputs[name]?.shape;
  return shapes;
}

function isInt32Input(k: HostKernel<object>, name: string): boolean {
  return k.int32Inputs?.includes(name) === true;
}

/** Checks every present input's dtype: int32 for those in `int32Inputs`, float32 for the others. */
function checkDtypes(k: HostKernel<object>, inputs: tf.NamedTensorInfoMap): void {
  for (const name of k.inputs) {
    const t = inputs[name];
    const expected = isInt32Input(k, name) ? 'int32' : 'float32';
    if (t !== undefined && t.dtype !== expected) {
      throw new Error(`${k.name}: input '${name}' must be ${expected}, got ${t.dtype}`);
    }
  }
}

function wasmKernel<A extends object>(k: HostKernel<A>): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    checkDtypes(k as HostKernel<object>, inputs);
    const b = backend as unknown as WasmBackendLike;
    const shapes = inputShapes(k as HostKernel<object>, inputs);
    const a = attrs as unknown as A;
    const outs = presentOutputs(k, shapes, a).map(
      ([name, shape]) => [name, b.makeOutput(shape, 'float32')] as const,
    );
    // Views are taken after every allocation: growing the heap replaces HEAPF32's (and HEAP32's) buffer.
    const heap = b.wasm.HEAPF32;
    const offset = (t: tf.TensorInfo): number => {
      const rec = b.dataIdMap.get(t.dataId);
      if (rec === undefined) throw new Error(`${k.name}: tensor data not found on the wasm backend`);
      return rec.memoryOffset >>> 2;
    };
    const view = (t: tf.TensorInfo): Float32Array => {
      const start = offset(t);
      return heap.subarray(start, start + tf.util.sizeFromShape(t.shape));
    };
    const inArrays: Record<string, Float32Array | undefined> = {};
    const intArrays: Record<string, Int32Array | undefined> = {};
    for (const name of k.inputs) {
      const t = inputs[name];
      if (isInt32Input(k as HostKernel<object>, name)) {
        if (t === undefined) intArrays[name] = undefined;
        else {
          const start = offset(t);
          intArrays[name] = b.wasm.HEAP32.subarray(start, start + tf.util.sizeFromShape(t.shape));
        }
      } else inArrays[name] = t === undefined ? undefined : view(t);
    }
    const outArrays: Record<string, Float32Array> = {};
    for (const [name, t] of outs) outArrays[name] = view(t);
    setHostMemory(b.wasm.asm?.memory ?? b.wasm.wasmMemory);
    try {
      k.compute(inArrays, outArrays, shapes, a, intArrays);
    } finally {
      setHostMemory(undefined);
    }
    const infos = outs.map(([, t]) => t);
    return infos.length === 1 ? (infos[0] as tf.TensorInfo) : infos;
  };
}

function cpuKernel<A extends object>(k: HostKernel<A>): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    checkDtypes(k as HostKernel<object>, inputs);
    const b = backend as unknown as CpuBackendLike;
    const shapes = inputShapes(k as HostKernel<object>, inputs);
    const a = attrs as unknown as A;
    const inArrays: Record<string, Float32Array | undefined> = {};
    const intArrays: Record<string, Int32Array | undefined> = {};
    for (const name of k.inputs) {
      const t = inputs[name];
      const int32 = isInt32Input(k as HostKernel<object>, name);
      if (t === undefined) {
        if (int32) intArrays[name] = undefined;
        else inArrays[name] = undefined;
        continue;
      }
      const values = b.data.get(t.dataId)?.values;
      if (int32) {
        if (values instanceof Int32Array) intArrays[name] = values;
        else if (ArrayBuffer.isView(values) || Array.isArray(values)) {
          intArrays[name] = Int32Array.from(values as ArrayLike<number>);
        } else throw new Error(`${k.name}: input '${name}' has no int32 values`);
        continue;
      }
      if (values instanceof Float32Array) inArrays[name] = values;
      else if (ArrayBuffer.isView(values) || Array.isArray(values)) {
        // Some cpu kernels (e.g. a cast from bool) store float32 results in another array type.
        inArrays[name] = Float32Array.from(values as ArrayLike<number>);
      } else throw new Error(`${k.name}: input '${name}' has no float32 values`);
    }
    const outs = presentOutputs(k, shapes, a);
    const outArrays: Record<string, Float32Array> = {};
    for (const [name, shape] of outs) outArrays[name] = new Float32Array(tf.util.sizeFromShape(shape));
    k.compute(inArrays, outArrays, shapes, a, intArrays);
    const infos = outs.map(([name, shape]) =>
      b.makeTensorInfo(shape, 'float32', outArrays[name] as Float32Array),
    );
    return infos.length === 1 ? (infos[0] as tf.TensorInfo) : infos;
  };
}

/** The kernel functions registered for each host kernel object, by backend. */
const registered = new WeakMap<object, Partial<Record<string, tf.KernelFunc>>>();

/**
 * Registers `k` with the tfjs engine for the `cpu` and `wasm` backends (idempotent: cheap when `k` is
 * registered already). Registration touches only tfjs's kernel registry; call it lazily, from the code path
 * that first needs the kernel, never at import time. When another kernel holds the name — another copy of
 * this package in the same process (two versions installed side by side, or a test runner's per-file module
 * instances), whose kernel would run that copy's code and state — `k` replaces it, so that each copy runs
 * its own kernels.
 */
export function registerHostKernel<A extends object>(k: HostKernel<A>): void {
  const ours = registered.get(k) ?? {};
  for (const backendName of HOST_KERNEL_BACKENDS) {
    const current = tf.getKernel(k.name, backendName)?.kernelFunc;
    const func = ours[backendName];
    if (current !== undefined && current === func) continue;
    for (const name of k.int32Inputs ?? []) {
      if (!k.inputs.includes(name))
        throw new Error(`${k.name}: int32 input '${name}' is not one of its inputs`);
    }
    if (current !== undefined) tf.unregisterKernel(k.name, backendName);
    const kernelFunc = func ?? (backendName === 'wasm' ? wasmKernel(k) : cpuKernel(k));
    tf.registerKernel({ kernelName: k.name, backendName, kernelFunc });
    ours[backendName] = kernelFunc;
  }
  registered.set(k, ours);
}

/**
 * Whether the active backend can run host kernel `k` (it is `cpu` or `wasm`, or `tensorflow` and `k` has a
 * {@link HostKernel.tensorflow} form); registers `k` when it can. Other backends (webgl) keep the plain tfjs
 * composition.
 */
export function hostKernelAvailable<A extends object>(k: HostKernel<A>): boolean {
  if (k.tensorflow !== undefined && NativeTensorflow.current() !== undefined) return true;
  if (!HOST_KERNEL_BACKENDS.includes(tf.getBackend())) return false;
  registerHostKernel(k);
  return true;
}

/**
 * Runs host kernel `k` (registering it first if needed) on the active backend and returns its present
 * outputs in `k.outputs` order. Not differentiable by itself: use it inside a `tf.customGrad` forward or
 * backward, or outside the gradient tape. Call {@link hostKernelAvailable} first and fall back to tfjs ops
 * on other backends.
 */
export function runHostKernel<A extends object>(
  k: HostKernel<A>,
  inputs: Readonly<Record<string, tf.Tensor | undefined>>,
  attrs: A,
): tf.Tensor[] {
  const native = k.tensorflow === undefined ? undefined : NativeTensorflow.current();
  if (native !== undefined) {
    for (const name of k.int32Inputs ?? []) {
      const t = inputs[name];
      if (t !== undefined && t.dtype !== 'int32') {
        throw new Error(`${k.name}: input '${name}' must be int32, got ${t.dtype}`);
      }
    }
    return (k.tensorflow as NonNullable<HostKernel<A>['tensorflow']>)(inputs, attrs, native);
  }
  registerHostKernel(k);
  const named: tf.NamedTensorMap = {};
  for (const name of k.inputs) {
    const t = inputs[name];
    if (t !== undefined) named[name] = t;
  }
  const out = tf.engine().runKernel(k.name, named, attrs as unknown as tf.NamedAttrMap);
  return Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
}
