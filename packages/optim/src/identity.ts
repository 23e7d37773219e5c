import type { EmptyState, Transform } from './transform.js';

/** Passes updates through unchanged (the same tensors). optax `identity`. */
export function identity(): Transform<EmptyState> {
  return {
    init: () => null,
    update: (updates, state) => ({ updates, state }),
  };
}
