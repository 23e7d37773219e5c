import { SteadygradError } from '@steadygrad/core';

/**
 * Resolves a possibly negative axis (`-1` = last) against a rank. Throws `INVALID_ARGUMENT` naming the layer,
 * the axis, the rank and the valid range when it is out of range, and when it resolves to the batch axis 0
 * (its size is not known when the layer is built, so it cannot carry per-feature parameters).
 */
export function resolveAxis(axis: number, rank: number, layer: string): number {
  const resolved = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || resolved < 0 || resolved >= rank) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `layer '${layer}': axis ${axis} is out of range for inputs of rank ${rank} (batch axis included); expected an integer in [${-rank}, ${rank - 1}], excluding the batch axis 0`,
      { details: { layer, axis, rank } },
    );
  }
  if (resolved === 0) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `layer '${layer}': axis ${axis} is the batch axis for inputs of rank ${rank}; expected a feature axis in [1, ${rank - 1}] (or ${-rank + 1} to -1)`,
      { details: { layer, axis, rank } },
    );
  }
  return resolved;
}

/** A shape of `rank` ones with `dims[i]` at each `axes[i]`: what per-feature parameters are reshaped to. */
export function broadcastShape(rank: number, axes: readonly number[], dims: readonly number[]): number[] {
  const shape = new Array<number>(rank).fill(1);
  axes.forEach((a, i) => {
    shape[a] = dims[i] as number;
  });
  return shape;
}

/** `[0, rank)` without the given axes. */
export function otherAxes(rank: number, keep: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < rank; i++) if (!keep.includes(i)) out.push(i);
  return out;
}
