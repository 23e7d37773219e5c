import { SteadygradError, tf } from '@steadygrad/core';
import { formatShape, type Layer, type Shape } from '@steadygrad/nn';
import type { DataLike } from '@steadygrad/train';
import { describe } from './layer-selector.js';

/** The shape of one sample of `data` (a tensor's shape without its first axis, or a source's `shape`). */
export function sampleShape(data: DataLike): readonly number[] {
  if (data instanceof tf.Tensor) return data.shape.slice(1);
  const shape = (data as { shape?: unknown } | undefined)?.shape;
  if (!Array.isArray(shape)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `expected a Tensor or a BatchSource, got ${describe(data)}`,
    );
  }
  return shape as readonly number[];
}

function sameSampleShape(expected: Shape, got: readonly (number | null)[]): boolean {
  return (
    expected.length === got.length + 1 &&
    got.every((d, i) => expected[i + 1] === null || expected[i + 1] === d)
  );
}

/**
 * Checks that `data` (or a model input shape, batch dimension first) fits the source model's input shape
 * (the seed: "check for the input shapes to be the same"). Throws `SHAPE_MISMATCH` naming both shapes:
 * `source model 'model_a' expects inputs of shape (None, 28, 28), but the target training data has samples
 * of shape (None, 784)`.
 */
export function checkInputShape(
  sourceInputShape: Shape | undefined,
  target: DataLike | Shape,
  labels: { readonly source: string; readonly target: string },
): void {
  if (sourceInputShape === undefined) {
    throw new SteadygradError(
      'NOT_BUILT',
      `${labels.source} has no known input shape: build it (or train it) before reusing its layers`,
    );
  }
  const got: readonly (number | null)[] = Array.isArray(target)
    ? (target as Shape).slice(1)
    : sampleShape(target as DataLike);
  if (!sameSampleShape(sourceInputShape, got)) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `${labels.source} expects inputs of shape ${formatShape(sourceInputShape)}, but ${labels.target} has samples of shape ${formatShape([null, ...got])}`,
      { details: { expected: [...sourceInputShape], got: [null, ...got] } },
    );
  }
}

/** The output shape of `layers` applied in order to inputs of `inputShape`. */
export function outputShapeOf(layers: readonly Layer[], inputShape: Shape): Shape {
  let shape = inputShape;
  for (const l of layers) shape = l.computeOutputShape(shape);
  return shape;
}

/**
 * Checks that the first head layer accepts what the reused base outputs, when it states what it expects
 * (built, or declared with `inputShape`). Throws `SHAPE_MISMATCH` naming the head layer and both shapes.
 */
export function checkHeadFits(head: readonly Layer[], baseOutput: Shape): void {
  const first = head[0];
  if (first === undefined) return;
  const expected: Shape | undefined =
    first.buildInputShape ??
    (first.inputShapeOption === undefined ? undefined : [null, ...first.inputShapeOption]);
  if (expected === undefined) return;
  const ok =
    expected.length === baseOutput.length &&
    expected.every((d, i) => i === 0 || d === null || d === baseOutput[i]);
  if (!ok) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `head layer '${first.name}' (${first.className}) expects input shape ${formatShape(expected)}, but the reused base outputs ${formatShape(baseOutput)}`,
      { details: { layer: first.name, expected: [...expected], got: [...baseOutput] } },
    );
  }
}
