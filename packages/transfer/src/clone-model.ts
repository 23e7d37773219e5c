import { checkNumber, checkOptions, optionKeys, type Parameter, SteadygradError, tf } from '@steadygrad/core';
import { type InputLayer, input, type Layer, Model, Sequential, type SymbolicTensor } from '@steadygrad/nn';
import { CLONE_LAYER_KEYS, type CloneLayerOptions, cloneLayer } from './clone-layer.js';
import { describe } from './layer-selector.js';

/** Options of {@link cloneModel}. */
export interface CloneModelOptions extends CloneLayerOptions {
  /**
   * Copy the source's current weights into the clone (default `true`: Keras `clone_model(m)` followed by
   * `set_weights(m.get_weights())`, seed cell 14). With `false` the clone is freshly initialized from `seed`
   * (Keras `clone_model` alone).
   */
  readonly withWeights?: boolean;
  /** Seed of the clone's initialization (default: the source's seed). */
  readonly seed?: number;
  /** The clone's name (default: the source's name). */
  readonly name?: string;
}

const KEYS = optionKeys<CloneModelOptions>()(['withWeights', 'seed', 'name', ...CLONE_LAYER_KEYS]);

/** An exact copy of a parameter's value in a new buffer (not a tensor sharing the source's data). */
export function copyValue(p: Parameter): tf.Tensor {
  const v = p.variable;
  return tf.tensor(v.dataSync().slice(), v.shape, v.dtype);
}

/**
 * Copies every parameter value of `from` into the matching parameter of `to` (same layer structure), bit for
 * bit, as new buffers: later training of either side never shows in the other. All or nothing: counts,
 * shapes and dtypes are checked for every pair first (`INCOMPATIBLE` naming the first pair that differs), so
 * a rejected call changes no parameter.
 */
export function copyWeights(from: readonly Parameter[], to: readonly Parameter[]): void {
  if (from.length !== to.length) {
    throw new SteadygradError(
      'INCOMPATIBLE',
      `cannot copy ${from.length} weights into ${to.length} parameters`,
    );
  }
  to.forEach((p, i) => {
    const src = from[i] as Parameter;
    if (!tf.util.arraysEqual([...src.shape], [...p.shape]) || src.variable.dtype !== p.variable.dtype) {
      throw new SteadygradError(
        'INCOMPATIBLE',
        `cannot copy weight ${i} '${src.name}' (${src.variable.dtype} [${src.shape.join(', ')}]) into parameter '${p.name}' (${p.variable.dtype} [${p.shape.join(', ')}])`,
        {
          details: { index: i, from: src.name, to: p.name, fromShape: [...src.shape], toShape: [...p.shape] },
        },
      );
    }
  });
  to.forEach((p, i) => {
    const src = from[i] as Parameter;
    const value = copyValue(src);
    try {
      p.assign(value);
    } finally {
      value.dispose();
    }
  });
}

function checkSameStructure(source: Layer, copy: Layer): void {
  const a = source.parameters;
  const b = copy.parameters;
  const same =
    a.length === b.length &&
    a.every((p, i) => {
      const q = b[i] as Parameter;
      return (
        q.name === p.name && tf.util.arraysEqual([...q.shape], [...p.shape]) && q.trainable === p.trainable
      );
    });
  if (!same) {
    throw new SteadygradError(
      'INCOMPATIBLE',
      `the clone of layer '${source.name}' (${source.className}) has parameters [${b.map((p) => `${p.name} ${JSON.stringify(p.shape)}`).join(', ')}], expected [${a.map((p) => `${p.name} ${JSON.stringify(p.shape)}`).join(', ')}]`,
    );
  }
  const ra = source.regularizationLosses();
  const rb = copy.regularizationLosses();
  const na = ra.length;
  const nb = rb.length;
  tf.dispose([...ra, ...rb]);
  if (na !== nb) {
    throw new SteadygradError(
      'INCOMPATIBLE',
      `the clone of layer '${source.name}' (${source.className}) has ${nb} weight regularizers, the original ${na} (its getConfig() does not carry them); pass cloneFunction to recreate this layer`,
    );
  }
}

/**
 * A new `Sequential` with fresh layers of the same configuration as `model` (see `cloneLayer`) and, by
 * default, a bit-identical copy of its weights — moving statistics of batch normalization included. The
 * clone shares nothing with the source: training one leaves the other unchanged (the seed's remedy,
 * `clone_model` + `set_weights`, cell 14). Layer names and `trainable` flags are kept; an unbuilt source
 * gives an unbuilt clone.
 *
 * A functional `Model` is cloned the way Keras' `clone_model` does it: new inputs, and every layer call
 * replayed on the clones in the source's order, so branches, merges and shared layers (cloned once, called
 * at the same sites) come out the same.
 */
export function cloneModel(model: Sequential, options?: CloneModelOptions): Sequential;
export function cloneModel(model: Model, options?: CloneModelOptions): Model;
export function cloneModel(model: Sequential | Model, options: CloneModelOptions = {}): Sequential | Model {
  checkOptions('cloneModel', options, KEYS);
  if (model instanceof Model) return cloneFunctional(model, options);
  if (!(model instanceof Sequential)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `cloneModel expects a Sequential or a Model, got ${describe(model)}`,
    );
  }
  const { withWeights = true, seed = model.seed, name = model.name, cloneFunction } = options;
  if (typeof withWeights !== 'boolean') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `withWeights must be a boolean, got ${JSON.stringify(withWeights)}`,
    );
  }
  checkNumber('seed', seed, { integer: true, min: 0, max: 0xffffffff });
  const copies = model.layers.map((l) => cloneLayer(l, { cloneFunction }));
  const clone = new Sequential([], { name, seed });
  try {
    for (const c of copies) clone.add(c);
    if (model.built && !clone.built && model.inputShape !== undefined) clone.build(model.inputShape);
    if (clone.built) {
      model.layers.forEach((l, i) => {
        checkSameStructure(l, copies[i] as Layer);
      });
      if (withWeights) copyWeights(model.parameters, clone.parameters);
    } else if (withWeights && model.parameters.length > 0) {
      throw new SteadygradError(
        'NOT_BUILT',
        `cannot copy the weights of model '${model.name}': its clone could not be built (unknown input shape)`,
      );
    }
  } catch (e) {
    for (const c of copies) c.dispose();
    throw e;
  }
  return clone;
}

function cloneFunctional(model: Model, options: CloneModelOptions): Model {
  const { withWeights = true, seed = model.seed, name = model.name, cloneFunction } = options;
  if (typeof withWeights !== 'boolean') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `withWeights must be a boolean, got ${JSON.stringify(withWeights)}`,
    );
  }
  checkNumber('seed', seed, { integer: true, min: 0, max: 0xffffffff });
  const tensors = new Map<SymbolicTensor, SymbolicTensor>();
  const copies = new Map<Layer, Layer>();
  const mapped = (t: SymbolicTensor) => tensors.get(t) as SymbolicTensor;
  let clone: Model | undefined;
  try {
    for (const t of model.inputs) {
      const layer = t.layer as InputLayer;
      const copy = input({
        shape: layer.shape.slice(1),
        name: layer.name,
        dtype: layer.dtype as 'float32' | 'int32',
      });
      tensors.set(t, copy);
    }
    for (const node of model.graphNodes.nodes) {
      let copy = copies.get(node.layer);
      if (copy === undefined) {
        copy = cloneLayer(node.layer, { cloneFunction });
        copies.set(node.layer, copy);
      }
      const args = node.inputs.map(mapped);
      tensors.set(
        node.outputs[0] as SymbolicTensor,
        copy.apply(args.length === 1 ? (args[0] as SymbolicTensor) : args),
      );
    }
    clone = new Model({ inputs: model.inputs.map(mapped), outputs: model.outputs.map(mapped), name, seed });
    model.layers.forEach((l, i) => {
      checkSameStructure(l, (clone as Model).layers[i] as Layer);
    });
    if (withWeights) copyWeights(model.parameters, clone.parameters);
    return clone;
  } catch (e) {
    for (const c of copies.values()) c.dispose();
    throw e;
  }
}
