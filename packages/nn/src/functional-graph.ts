import { SteadygradError } from '@steadygrad/core';
import { InputLayer } from './input-layer.js';
import type { Layer } from './layer.js';
import { type LayerNode, SymbolicTensor } from './symbolic-tensor.js';

/** A functional model's graph, in an order that computes every node after its inputs. */
export interface FunctionalGraph {
  /** The input layers' nodes, in the model's input order. */
  readonly inputNodes: readonly LayerNode[];
  /** The other nodes, each after the nodes it reads (topological order). */
  readonly nodes: readonly LayerNode[];
  /** Every layer once: the input layers first (in input order), then by first use. */
  readonly layers: readonly Layer[];
  /** A node's index among its layer's nodes in this model (`dense[1][0]` is node 1 of `dense`). */
  readonly nodeIndex: ReadonlyMap<LayerNode, number>;
  /** How many times the model reads each tensor: once per consuming call, once per appearance in the outputs. */
  readonly uses: ReadonlyMap<SymbolicTensor, number>;
}

/**
 * Walks the graph back from `outputs` (Keras `map_graph`) and checks it: every input and output is a symbolic
 * tensor; every input comes from `input()` and appears once; the graph has no cycle (possible only in a
 * hand-edited or loaded graph); every input layer the outputs depend on is among `inputs` ("graph
 * disconnected": `INVALID_ARGUMENT` naming the layer that reads it); every input reaches an output
 * (`INVALID_ARGUMENT` naming it).
 */
export function mapGraph(
  modelName: string,
  inputs: readonly SymbolicTensor[],
  outputs: readonly SymbolicTensor[],
): FunctionalGraph {
  const fail = (message: string, details: Record<string, unknown> = {}) =>
    new SteadygradError('INVALID_ARGUMENT', `model '${modelName}': ${message}`, { details });
  if (inputs.length === 0) throw fail('needs at least one input');
  if (outputs.length === 0) throw fail('needs at least one output');
  for (const [what, list] of [
    ['inputs', inputs],
    ['outputs', outputs],
  ] as const) {
    list.forEach((t, i) => {
      if (!(t instanceof SymbolicTensor)) {
        throw fail(
          `${what}[${i}] must be a symbolic tensor (from input() or layer.apply on one), got ${describe(t)}`,
        );
      }
    });
  }
  inputs.forEach((t, i) => {
    if (!(t.layer instanceof InputLayer)) {
      throw fail(
        `inputs[${i}] is the output of layer '${t.layer.name}' (${t.layer.className}); model inputs must come from input()`,
        {
          layer: t.layer.name,
        },
      );
    }
    if (inputs.indexOf(t) !== i)
      throw fail(`input '${t.layer.name}' is given twice`, { layer: t.layer.name });
  });
  const inputNodes = inputs.map((t) => t.node);
  const state = new Map<LayerNode, 'visiting' | 'done'>();
  const order: LayerNode[] = [];
  const uses = new Map<SymbolicTensor, number>();
  // Iterative depth-first post-order (deep networks would overflow a recursive walk).
  const visit = (start: LayerNode, reader: Layer | undefined) => {
    const stack: { node: LayerNode; reader: Layer | undefined; next: number }[] = [
      { node: start, reader, next: 0 },
    ];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as (typeof stack)[number];
      const { node } = top;
      if (top.next === 0) {
        const seen = state.get(node);
        if (seen === 'done') {
          stack.pop();
          continue;
        }
        if (seen === 'visiting') {
          throw fail(`the graph has a cycle through layer '${node.layer.name}' (${node.layer.className})`, {
            layer: node.layer.name,
          });
        }
        state.set(node, 'visiting');
        if (node.layer instanceof InputLayer && !inputNodes.includes(node)) {
          const by =
            top.reader === undefined ? 'an output' : `layer '${top.reader.name}' (${top.reader.className})`;
          throw fail(
            `graph disconnected: ${by} needs input '${node.layer.name}', which is not among the model's inputs (${inputs.map((t) => t.layer.name).join(', ')})`,
            { layer: top.reader?.name ?? node.layer.name, input: node.layer.name },
          );
        }
      }
      const t = node.inputs[top.next];
      if (t !== undefined) {
        top.next++;
        uses.set(t, (uses.get(t) ?? 0) + 1);
        const seen = state.get(t.node);
        if (seen === 'visiting') {
          throw fail(
            `the graph has a cycle through layer '${t.node.layer.name}' (${t.node.layer.className})`,
            {
              layer: t.node.layer.name,
            },
          );
        }
        if (seen === undefined) stack.push({ node: t.node, reader: node.layer, next: 0 });
        continue;
      }
      state.set(node, 'done');
      order.push(node);
      stack.pop();
    }
  };
  for (const t of outputs) {
    uses.set(t, (uses.get(t) ?? 0) + 1);
    visit(t.node, undefined);
  }
  for (const t of inputs) {
    if (!state.has(t.node)) {
      throw fail(`input '${t.layer.name}' is not connected to any output`, {
        layer: t.layer.name,
        input: t.layer.name,
      });
    }
  }
  const nodes = order.filter((n) => !(n.layer instanceof InputLayer));
  const layers: Layer[] = inputNodes.map((n) => n.layer);
  for (const n of nodes) if (!layers.includes(n.layer)) layers.push(n.layer);
  const nodeIndex = new Map<LayerNode, number>();
  for (const layer of layers) {
    const own = [...inputNodes, ...nodes].filter((n) => n.layer === layer).sort((a, b) => a.index - b.index);
    for (const [i, n] of own.entries()) nodeIndex.set(n, i);
  }
  return { inputNodes, nodes, layers, nodeIndex, uses };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
