import { type DataType, SteadygradError } from '@steadygrad/core';
import type { Layer, Shape } from './layer.js';

/**
 * One call of a layer on symbolic tensors (Keras `Node`): which tensors went in, which came out. A layer
 * called at two places (a shared layer) has two nodes and one set of weights; `index` is the node's
 * position among its layer's calls (`dense[1][0]` in a summary is output 0 of node 1 of `dense`).
 */
export interface LayerNode {
  readonly layer: Layer;
  readonly index: number;
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
}

/**
 * A placeholder for the tensors a functional model will see (Keras `KerasTensor`, tfjs-layers
 * `SymbolicTensor`): a shape with the batch dimension `null`, a dtype, and the node that makes it.
 * Made by {@link input} and by calling a layer on symbolic tensors (`layer.apply(x)`); it holds no memory.
 */
export class SymbolicTensor {
  readonly shape: Shape;
  readonly dtype: DataType;
  /** The call that produced this tensor (the `InputLayer`'s own node for a model input). */
  readonly node: LayerNode;
  /** Which of the node's outputs this is. */
  readonly outputIndex: number;

  /** @internal Made by {@link input} and by layer calls only. */
  constructor(shape: Shape, dtype: DataType, node: LayerNode, outputIndex: number) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.node = node;
    this.outputIndex = outputIndex;
  }

  /** The layer that produced this tensor. */
  get layer(): Layer {
    return this.node.layer;
  }

  /** `layer_name[node][output]`, as Keras's summary writes a connection. */
  get name(): string {
    return `${this.node.layer.name}[${this.node.index}][${this.outputIndex}]`;
  }

  get rank(): number {
    return this.shape.length;
  }
}

/** True for a symbolic tensor or a non-empty array made only of them. */
export function isSymbolic(x: unknown): x is SymbolicTensor | readonly SymbolicTensor[] {
  if (x instanceof SymbolicTensor) return true;
  return Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof SymbolicTensor);
}

const inbound = new WeakMap<Layer, LayerNode[]>();

/** The layer's calls on symbolic tensors, in call order (Keras `layer._inbound_nodes`). */
export function inboundNodes(layer: Layer): readonly LayerNode[] {
  return inbound.get(layer) ?? [];
}

/** The layer's only call (for `layer.output` / `layer.input`); `INVALID_ARGUMENT` for none or several. */
export function onlyNode(layer: Layer, what: string): LayerNode {
  const nodes = inboundNodes(layer);
  if (nodes.length !== 1) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `layer '${layer.name}' has ${nodes.length} call sites, so no single ${what}; use layer.inboundNodes[i]`,
      { details: { layer: layer.name, calls: nodes.length } },
    );
  }
  return nodes[0] as LayerNode;
}

/**
 * Records a call of `layer` on symbolic `inputs` and returns its symbolic output. Checks, before recording
 * anything, that the shapes fit the layer: the shape it was built for, or else the shapes of its first call
 * (a shared layer must see the same shapes at every call site), and the layer's own rules
 * (`symbolicOutputShape`, e.g. a merge layer's). Layer outputs are float32 (layers compute in float32). A layer that cannot take several inputs is given one.
 * The layer is not built here: the `Model` that contains it builds it from its seed.
 */
export function callSymbolic(
  layer: Layer,
  inputs: SymbolicTensor | readonly SymbolicTensor[],
): SymbolicTensor {
  const list = inputs instanceof SymbolicTensor ? [inputs] : [...inputs];
  const shapes = list.map((t) => t.shape);
  const nodes = inbound.get(layer) ?? [];
  const first = nodes[0];
  if (!layer.built && first !== undefined) {
    const expected = first.inputs.map((t) => t.shape);
    const same =
      expected.length === shapes.length &&
      expected.every((e, k) => {
        const s = shapes[k] as Shape;
        return e.length === s.length && e.every((d, i) => i === 0 || d === s[i]);
      });
    if (!same) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${layer.name}' (${layer.className}) was first called on ${describeShapes(expected)} and cannot be called on ${describeShapes(shapes)}: a shared layer needs the same input shapes at every call`,
        {
          details: {
            layer: layer.name,
            expected: expected.map((s) => [...s]),
            got: shapes.map((s) => [...s]),
          },
        },
      );
    }
  }
  const outputShape = layer.symbolicOutputShape(shapes);
  const node: LayerNode = { layer, index: nodes.length, inputs: Object.freeze(list), outputs: [] };
  const output = new SymbolicTensor(outputShape, 'float32', node, 0);
  (node.outputs as SymbolicTensor[]).push(output);
  Object.freeze(node.outputs);
  nodes.push(node);
  inbound.set(layer, nodes);
  return output;
}

/** The node an `InputLayer` makes for itself (it has no inputs). */
export function inputNode(layer: Layer, shape: Shape, dtype: DataType): SymbolicTensor {
  const nodes = inbound.get(layer) ?? [];
  const node: LayerNode = { layer, index: nodes.length, inputs: [], outputs: [] };
  const output = new SymbolicTensor(shape, dtype, node, 0);
  (node.outputs as SymbolicTensor[]).push(output);
  Object.freeze(node.outputs);
  nodes.push(node);
  inbound.set(layer, nodes);
  return output;
}

export function describeShapes(shapes: readonly Shape[]): string {
  const f = (s: Shape) =>
    `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;
  return shapes.length === 1 ? f(shapes[0] as Shape) : `[${shapes.map(f).join(', ')}]`;
}
