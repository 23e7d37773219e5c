import * as tf from '@tensorflow/tfjs-core';

/** What the backward pass of a {@link lazyGradOp} returns. */
export interface LazyGradients<N extends string> {
  /**
   * One function per input giving that input's gradient. tfjs calls only the functions of the inputs on
   * the path to what is being differentiated (e.g. not the one of a model's input batch), each inside its
   * own `tidy`, so an expensive gradient nobody asked for (a first layer's input gradient) is never
   * computed. Every function must be correct on its own (`prepare` is only a hint).
   */
  readonly grads: { readonly [K in N]: () => tf.Tensor };
  /**
   * Optional. Called once, before any gradient function runs, with the name of the first input whose
   * gradient tfjs asks for. tfjs asks in the order of the op's `inputs`, so when the first input's name
   * is not the one passed here, its gradient is not needed. Work done here (tensors shared by several
   * gradient functions) belongs to the backward pass's scope and is freed when the backward pass ends.
   * Not called by a tfjs that enumerates the gradients some other way: the gradient functions must then
   * work without it.
   */
  readonly prepare?: (first: N) => void;
}

interface TapeNode {
  readonly outputs?: readonly tf.Tensor[];
  readonly saved?: tf.Tensor[];
}

interface BackendRefs {
  incRef(dataId: object): void;
}

interface EngineInternals {
  readonly state: {
    readonly gradientDepth: number;
    readonly kernelDepth: number;
    readonly activeTape: TapeNode[] | null;
    readonly tensorInfo: { get(dataId: object): { readonly backend: unknown } | undefined };
  };
  readonly backend: BackendRefs;
  makeTensorFromTensorInfo(
    info: { dataId: object; shape: number[]; dtype: tf.DataType },
    backend: BackendRefs,
  ): tf.Tensor;
  runKernelFunc(params: {
    forwardFunc: (backend: unknown, save: (tensors: tf.Tensor[]) => void) => tf.Tensor;
    backwardsFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => Record<string, () => tf.Tensor>;
    inputs: Record<string, tf.Tensor>;
  }): tf.Tensor;
}

/**
 * A new tensor sharing `t`'s data (no copy, no kernel): what a same-shape `tf.reshape` gives, without the
 * engine's kernel dispatch (~10 µs, and a training step saves ~two dozen tensors). The backend's reference
 * count of the data goes up by one, as a Reshape kernel does; disposing the share brings it back down.
 * Falls back to `tf.reshape` when the data lives on another backend than the active one, or the engine
 * lacks these internals.
 */
function share(engine: EngineInternals, t: tf.Tensor): tf.Tensor {
  const backend = engine.backend;
  if (
    typeof engine.makeTensorFromTensorInfo !== 'function' ||
    typeof backend?.incRef !== 'function' ||
    engine.state.tensorInfo?.get(t.dataId)?.backend !== backend
  ) {
    return tf.reshape(t, t.shape);
  }
  backend.incRef(t.dataId);
  return engine.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }, backend);
}

/**
 * A differentiable op with one output whose backward pass returns a gradient FUNCTION per input, the
 * form tfjs's own kernel gradients have (`tf.customGrad` evaluates every input's gradient eagerly). tfjs
 * only calls the functions of the inputs that lead to what is differentiated: a Dense layer applied to a
 * model's input batch never computes `dL/dx`.
 *
 * `forward` runs with the tape off (like a kernel: the ops inside are not recorded) and inside a `tidy`;
 * it returns the output and passes what its backward pass needs to `save` (kept without copying the data,
 * freed after the backward pass, or when the tape is dropped). `backward(dy, saved)` gets the
 * output's gradient and the saved tensors.
 *
 * This uses the engine's `runKernelFunc`, the entry point of `tf.customGrad` (tfjs-core 4.x).
 *
 * @param inputs  the differentiable inputs, by name, in the order tfjs should visit their gradients
 */
export function lazyGradOp<N extends string>(
  inputs: { readonly [K in N]: tf.Tensor },
  forward: (save: (tensors: tf.Tensor[]) => void) => tf.Tensor,
  backward: (dy: tf.Tensor, saved: tf.Tensor[]) => LazyGradients<N>,
): tf.Tensor {
  const engine = tf.engine() as unknown as EngineInternals;
  const state = engine.state;
  const recording = state.gradientDepth > 0 && state.kernelDepth === 0;
  let kept: tf.Tensor[] = [];
  let y: tf.Tensor;
  try {
    y = engine.runKernelFunc({
      // The saved tensors are zero-copy shares ({@link share}: the data referenced once more, as a same-shape
      // reshape does on every backend) rather than tfjs's `save`, whose clone copies the data on the wasm
      // backend (its Identity kernel is a memcpy): one copy of every saved activation and weight per step,
      // for nothing, since tensors are immutable. They are handed to the tape node below, whose lifecycle tfjs
      // manages as for `save`d ones.
      forwardFunc: () =>
        forward((tensors) => {
          if (!recording) return;
          tf.dispose(kept);
          kept = tensors.map((t) => tf.keep(share(engine, t)));
        }),
      backwardsFunc: (dy, saved) => {
        const { grads, prepare } = backward(dy, saved);
        if (prepare === undefined) return grads as Record<string, () => tf.Tensor>;
        let prepared = false;
        // tfjs checks `name in gradients` for each needed input, in input order, before calling its
        // function: the first check names the first needed input.
        return new Proxy(grads as Record<string, () => tf.Tensor>, {
          has(target, name) {
            if (!prepared && typeof name === 'string' && name in target) {
              prepared = true;
              prepare(name as N);
            }
            return name in target;
          },
        });
      },
      inputs: inputs as Record<string, tf.Tensor>,
    });
  } catch (e) {
    tf.dispose(kept);
    throw e;
  }
  if (kept.length > 0) {
    // The node tfjs just recorded for this op: its `saved` array is the one `backwardsFunc` receives (empty,
    // since `save` was not called) and the one tfjs frees after the backward pass or when the tape drops.
    const tape = state.activeTape;
    const node = tape?.[tape.length - 1];
    if (node?.saved === undefined || node.saved.length !== 0 || node.outputs?.[0] !== y) {
      tf.dispose(kept);
      throw new Error(
        'lazyGradOp: the gradient tape of this @tensorflow/tfjs-core version is not the expected one (4.x)',
      );
    }
    node.saved.push(...kept);
  }
  return y;
}
