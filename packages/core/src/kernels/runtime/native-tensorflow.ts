import * as tf from '@tensorflow/tfjs-core';

/**
 * A TensorFlow eager tensor that tfjs-node's binding returned and no tfjs tensor owns yet: an intermediate of a
 * {@link NativeTensorflow} computation. Turn it into a tfjs tensor with {@link NativeTensorflow.wrap} or free it
 * with {@link NativeTensorflow.free}.
 */
export interface NativeHandle {
  /** The binding's id of the TensorFlow tensor handle. */
  readonly id: number;
  /** Its shape. */
  readonly shape: number[];
  /** Its TensorFlow dtype (the binding's `TF_FLOAT`, `TF_INT32`, ...). */
  readonly dtype: number;
}

/** An op attribute in the form tfjs-node's binding takes. */
export interface NativeAttr {
  readonly name: string;
  readonly type: number;
  readonly value: unknown;
}

/** What steadygrad uses of tfjs-node's binding (`backend.binding`). */
interface Binding {
  executeOp(name: string, attrs: NativeAttr[], inputs: number[], numOutputs: number): NativeHandle[];
  createTensor(shape: number[], dtype: number, values: Float32Array | Int32Array | Uint8Array): number;
  deleteTensor(id: number): void;
  readonly TF_FLOAT: number;
  readonly TF_INT32: number;
  readonly TF_UINT8: number;
  readonly TF_BOOL: number;
  readonly TF_ATTR_STRING: number;
  readonly TF_ATTR_INT: number;
  readonly TF_ATTR_FLOAT: number;
  readonly TF_ATTR_BOOL: number;
  readonly TF_ATTR_TYPE: number;
}

/** What steadygrad uses of tfjs-node's backend object. */
interface NodeBackend {
  readonly binding: Binding;
  getInputTensorIds(tensors: tf.Tensor[]): number[];
  createOutputTensor(handle: NativeHandle): tf.Tensor;
}

function isNodeBackend(b: unknown): b is NodeBackend {
  const n = b as Partial<NodeBackend> | undefined;
  return (
    typeof n?.getInputTensorIds === 'function' &&
    typeof n.createOutputTensor === 'function' &&
    typeof n.binding?.executeOp === 'function' &&
    typeof n.binding.createTensor === 'function' &&
    typeof n.binding.deleteTensor === 'function'
  );
}

/**
 * TensorFlow ops run directly through tfjs-node's binding, on the `tensorflow` backend: the one place where
 * steadygrad talks to TensorFlow itself. Every tfjs op there is one TensorFlow eager op plus tfjs's own dispatch,
 * and a training step of small layers is dominated by that dispatch, not by arithmetic. TensorFlow has fused
 * kernels tfjs-node does not use (`FusedBatchNormV3` and its gradient, `BiasAdd`/`BiasAddGrad`, `ReluGrad`,
 * rank-2 products with transposes as attributes); steadygrad's fused kernels ({@link HostKernel.tensorflow}, core's batch
 * normalization and matrix product) call them here, with intermediates kept as raw handles (no tfjs tensor, no
 * engine bookkeeping) and constants (shape vectors, scalars) created once and reused.
 *
 * Results handed to tfjs ({@link wrap}) are ordinary engine-tracked tensors (tidy and `tf.memory()` see them);
 * the cached constants are TensorFlow handles outside the engine, so they never count as tensors.
 */
export class NativeTensorflow {
  private readonly constants = new Map<string, NativeHandle>();

  private constructor(private readonly backend: NodeBackend) {}

  /**
   * The active backend's native access, or `undefined` when the active backend is not tfjs-node's
   * `tensorflow` (or lacks the binding calls used here).
   */
  static current(): NativeTensorflow | undefined {
    if (tf.getBackend() !== 'tensorflow') return undefined;
    const backend = tf.backend() as unknown;
    if (!isNodeBackend(backend)) return undefined;
    let native = instances.get(backend);
    if (native === undefined) {
      native = new NativeTensorflow(backend);
      instances.set(backend, native);
    }
    return native;
  }

  /** Runs TensorFlow op `name` on `inputs` and returns its `numOutputs` outputs as raw handles. */
  run(
    name: string,
    inputs: readonly (tf.Tensor | NativeHandle)[],
    attrs: readonly NativeAttr[],
    numOutputs = 1,
  ): NativeHandle[] {
    const ids = inputs.map((t) =>
      t instanceof tf.Tensor ? (this.backend.getInputTensorIds([t])[0] as number) : t.id,
    );
    return this.backend.binding.executeOp(name, attrs as NativeAttr[], ids, numOutputs);
  }

  /** {@link run} with one output. */
  run1(
    name: string,
    inputs: readonly (tf.Tensor | NativeHandle)[],
    attrs: readonly NativeAttr[],
  ): NativeHandle {
    return this.run(name, inputs, attrs, 1)[0] as NativeHandle;
  }

  /** A tfjs tensor owning `h` (engine-tracked, disposed like any other tensor). */
  wrap(h: NativeHandle): tf.Tensor {
    return this.backend.createOutputTensor(h);
  }

  /** Frees raw handles no tfjs tensor owns. */
  free(...handles: readonly (NativeHandle | undefined)[]): void {
    for (const h of handles) if (h !== undefined) this.backend.binding.deleteTensor(h.id);
  }

  /** `T = float32`, the type attribute of most ops. */
  get float(): NativeAttr {
    return this.type('T', 'float32');
  }

  /** A type attribute. */
  type(name: string, dtype: 'float32' | 'int32' | 'bool' | 'uint8'): NativeAttr {
    const b = this.backend.binding;
    const value = { float32: b.TF_FLOAT, int32: b.TF_INT32, bool: b.TF_BOOL, uint8: b.TF_UINT8 }[dtype];
    return { name, type: b.TF_ATTR_TYPE, value };
  }

  /** An integer attribute. */
  attrInt(name: string, value: number): NativeAttr {
    return { name, type: this.backend.binding.TF_ATTR_INT, value };
  }

  /** A boolean attribute. */
  bool(name: string, value: boolean): NativeAttr {
    return { name, type: this.backend.binding.TF_ATTR_BOOL, value };
  }

  /** A float attribute. */
  number(name: string, value: number): NativeAttr {
    return { name, type: this.backend.binding.TF_ATTR_FLOAT, value };
  }

  /** A string attribute. */
  string(name: string, value: string): NativeAttr {
    return { name, type: this.backend.binding.TF_ATTR_STRING, value };
  }

  /** A cached int32 vector (e.g. a `Reshape` shape or a reduction's axes). Never free it. */
  int32s(values: readonly number[]): NativeHandle {
    return this.constant(`i${values.join(',')}`, [values.length], 'int32', () => Int32Array.from(values));
  }

  /** A cached float32 scalar. Never free it. */
  scalar(value: number): NativeHandle {
    return this.constant(`s${value}`, [], 'float32', () => Float32Array.of(value));
  }

  /** A cached int32 scalar (e.g. an axis or a depth). Never free it. */
  int32Scalar(value: number): NativeHandle {
    return this.constant(`is${value}`, [], 'int32', () => Int32Array.of(value));
  }

  /** A cached float32 vector `[n]` filled with `value` (`n` may be 0). Never free it. */
  filled(n: number, value: number): NativeHandle {
    return this.constant(`f${n}:${value}`, [n], 'float32', () => new Float32Array(n).fill(value));
  }

  /** `Reshape(x, shape)` (a view in TensorFlow: no copy). */
  reshape(x: tf.Tensor | NativeHandle, shape: readonly number[]): NativeHandle {
    return this.run1('Reshape', [x, this.int32s(shape)], [this.float, this.type('Tshape', 'int32')]);
  }

  /** A uint8 tensor of `shape` holding `bytes` (a raw handle: free it). */
  uint8Tensor(shape: readonly number[], bytes: Uint8Array): NativeHandle {
    const b = this.backend.binding;
    return { id: b.createTensor([...shape], b.TF_UINT8, bytes), shape: [...shape], dtype: b.TF_UINT8 };
  }

  /** A cached float32 vector holding `values`, under `key`. Never free it. */
  cachedFloats(key: string, values: Float32Array): NativeHandle {
    return this.constant(`v${key}`, [values.length], 'float32', () => values);
  }

  private constant(
    key: string,
    shape: number[],
    dtype: 'float32' | 'int32',
    values: () => Float32Array | Int32Array,
  ): NativeHandle {
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    // Kept for the backend's lifetime: a few bytes each, one per distinct shape, scalar or fill a model uses.
    const b = this.backend.binding;
    const type = dtype === 'float32' ? b.TF_FLOAT : b.TF_INT32;
    const h: NativeHandle = { id: b.createTensor(shape, type, values()), shape, dtype: type };
    this.constants.set(key, h);
    return h;
  }
}

const instances = new WeakMap<object, NativeTensorflow>();
