import type { Tensor } from '@tensorflow/tfjs-core';
import { SteadygradError } from './errors.js';

/** Nested state made of tensors, numbers, strings, booleans, nulls, arrays and plain objects. */
export type Tree =
  | Tensor
  | number
  | string
  | boolean
  | null
  | undefined
  | readonly Tree[]
  | { readonly [key: string]: Tree };

/** Whether `x` is a tfjs `Tensor` (including a `Variable`). */
function isTensor(x: unknown): x is Tensor {
  return (
    typeof x === 'object' &&
    x !== null &&
    'dataSync' in x &&
    'shape' in x &&
    typeof (x as { dispose?: unknown }).dispose === 'function'
  );
}

/** Every tensor in a tree, depth first, in key order. */
export function collectTensors(tree: unknown, out: Tensor[] = []): Tensor[] {
  if (isTensor(tree)) out.push(tree);
  else if (Array.isArray(tree)) for (const t of tree) collectTensors(t, out);
  else if (typeof tree === 'object' && tree !== null)
    for (const v of Object.values(tree)) collectTensors(v, out);
  return out;
}

/** Disposes every tensor of `tree` that does not also appear in `keep`. */
export function disposeExcept(tree: unknown, keep: unknown): void {
  const kept = new Set(collectTensors(keep));
  for (const t of collectTensors(tree)) if (!kept.has(t) && !t.isDisposed) t.dispose();
}

/**
 * Flattens a tree into `{ 'a/b/0': tensor }` (tensors) and a JSON skeleton in which each tensor is replaced
 * by `{ $tensor: path }`; {@link unflattenTree} inverts it. Used to serialize optimizer and callback state.
 */
export function flattenTree(
  tree: unknown,
  prefix = '',
): { tensors: Record<string, Tensor>; skeleton: unknown } {
  const tensors: Record<string, Tensor> = {};
  const walk = (node: unknown, path: string): unknown => {
    if (isTensor(node)) {
      tensors[path] = node;
      return { $tensor: path };
    }
    if (Array.isArray(node)) return node.map((v, i) => walk(v, path === '' ? String(i) : `${path}/${i}`));
    if (typeof node === 'object' && node !== null) {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) o[k] = walk(v, path === '' ? k : `${path}/${k}`);
      return o;
    }
    return node;
  };
  return { tensors, skeleton: walk(tree, prefix) };
}

/** Rebuilds a tree from {@link flattenTree}'s output; missing tensors are an error naming the path. */
export function unflattenTree(skeleton: unknown, tensors: Readonly<Record<string, Tensor>>): unknown {
  if (Array.isArray(skeleton)) return skeleton.map((v) => unflattenTree(v, tensors));
  if (typeof skeleton === 'object' && skeleton !== null) {
    const ref = (skeleton as { $tensor?: unknown }).$tensor;
    if (typeof ref === 'string') {
      const t = tensors[ref];
      if (t === undefined) throw new SteadygradError('CORRUPT_DATA', `state tensor '${ref}' is missing`);
      return t;
    }
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(skeleton)) o[k] = unflattenTree(v, tensors);
    return o;
  }
  return skeleton;
}

export { isTensor };
