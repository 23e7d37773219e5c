import type { Tensor } from '@steadygrad/core';
import type { FusionRule } from './fusion-rule.js';
import type { CallContext, Layer } from './layer.js';

/**
 * One step of an execution plan: one layer call, or a chain of calls that a {@link FusionRule} runs as one.
 * `N` is how the container names a call: the layer itself in a `Sequential`, a `LayerNode` in a functional
 * `Model`.
 */
export interface PlanStep<N = Layer> {
  /** The calls, in order (one for an unfused step). */
  readonly nodes: readonly N[];
  /** Their layers, in order. */
  readonly layers: readonly Layer[];
  /** The rule that fuses the chain; `undefined` for a single call. */
  readonly rule: FusionRule | undefined;
}

/** How the planner sees a container's calls (see {@link compilePlan}). */
export interface PlanGraph<N> {
  /** Every call, in an order that runs each one after the calls it reads. */
  readonly nodes: readonly N[];
  /** The layer a call runs. */
  layerOf(node: N): Layer;
  /** Whether the call reads exactly one tensor (only such calls join a chain). */
  readsOne(node: N): boolean;
  /**
   * The call that is the only reader of `node`'s output, when there is exactly one and the output is not
   * also a model output; `undefined` otherwise.
   */
  soleReader(node: N): N | undefined;
}

/**
 * Compiles a container's calls into an execution plan, once, when it is built: walking the calls in order,
 * a call that reads one tensor tries its layer's {@link Layer.fusionRules} in order; a rule whose chain (the
 * call, then each sole single-input reader in turn) {@link FusionRule.matches} becomes one step, every other
 * call a step of its own. A fused step runs where its first call stood (its chain reads nothing else).
 */
export function compilePlan<N>(graph: PlanGraph<N>): readonly PlanStep<N>[] {
  const taken = new Set<N>();
  const steps: PlanStep<N>[] = [];
  for (const node of graph.nodes) {
    if (taken.has(node)) continue;
    let step: PlanStep<N> | undefined;
    if (graph.readsOne(node)) {
      for (const rule of graph.layerOf(node).fusionRules) {
        const chain = [node];
        while (chain.length < rule.length) {
          const next = graph.soleReader(chain[chain.length - 1] as N);
          if (next === undefined || taken.has(next) || !graph.readsOne(next)) break;
          chain.push(next);
        }
        const layers = chain.map((n) => graph.layerOf(n));
        if (chain.length === rule.length && rule.matches(layers)) {
          step = { nodes: chain, layers, rule };
          break;
        }
      }
    }
    step ??= { nodes: [node], layers: [graph.layerOf(node)], rule: undefined };
    for (const n of step.nodes) taken.add(n);
    steps.push(step);
  }
  return steps;
}

/** The plan of a chain of layers (each reads the previous one's output): a `Sequential`'s, a probe's. */
export function planChain(layers: readonly Layer[]): readonly PlanStep<Layer>[] {
  const index = new Map(layers.map((l, i) => [l, i]));
  return compilePlan<Layer>({
    nodes: layers,
    layerOf: (l) => l,
    readsOne: () => true,
    soleReader: (l) => layers[(index.get(l) ?? layers.length) + 1],
  });
}

/**
 * Runs one step on `x`: the rule's fused computation, or (no rule, or the rule declined this call) the layers
 * one by one, each interior output freed. When `outputs` is given, the interior outputs are pushed there
 * instead, in order, and belong to the caller. Returns the step's output.
 */
export function runStep(step: PlanStep<unknown>, x: Tensor, ctx: CallContext, outputs?: Tensor[]): Tensor {
  const { layers, rule } = step;
  if (rule !== undefined) {
    const y = rule.apply(layers, x, ctx, outputs);
    if (y !== undefined) return y;
  }
  let h = x;
  try {
    for (let i = 0; i < layers.length; i++) {
      const next = (layers[i] as Layer).apply(h, ctx);
      if (outputs !== undefined && i < layers.length - 1) outputs.push(next);
      else if (outputs === undefined && h !== x && next !== h) h.dispose();
      h = next;
    }
  } catch (e) {
    if (outputs === undefined && h !== x) h.dispose();
    throw e;
  }
  return h;
}

/**
 * Runs a chain plan on `x` (see {@link planChain}) and returns the last layer's output, which may be `x`
 * itself when every layer returned its input. Intermediates are freed one by one (not by a tidy, so that
 * losses the layers push into `ctx.losses` stay the caller's); when `outputs` is given, every layer's output
 * is pushed there instead, in layer order (the last one included), and they belong to the caller.
 */
export function runChain(
  steps: readonly PlanStep<unknown>[],
  x: Tensor,
  ctx: CallContext,
  outputs?: Tensor[],
): Tensor {
  let h = x;
  try {
    for (const step of steps) {
      const next = runStep(step, h, ctx, outputs);
      if (outputs !== undefined) outputs.push(next);
      else if (h !== x && next !== h) h.dispose();
      h = next;
    }
  } catch (e) {
    if (outputs === undefined && h !== x) h.dispose();
    throw e;
  }
  return h;
}
