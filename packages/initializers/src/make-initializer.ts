import type { Initializer, RandomStream, Tensor } from '@steadygrad/core';
import { checkShape } from './shape.js';

/**
 * Builds a frozen {@link Initializer}: validates the shape before calling `draw`, so every initializer
 * rejects a bad shape with the same clear error.
 */
export function makeInitializer(
  name: string,
  config: Record<string, unknown>,
  draw: (shape: number[], rng: RandomStream) => Tensor,
): Initializer {
  const frozenConfig = Object.freeze({ ...config });
  return Object.freeze({
    name,
    config: frozenConfig,
    init(shape: readonly number[], rng: RandomStream): Tensor {
      return draw(checkShape(name, shape), rng);
    },
  });
}
