import { SteadygradError } from '@steadygrad/core';

/** A tensor shape where `null` stands for a dimension not known in advance (the batch dimension). */
type Shape = readonly (number | null)[];

/**
 * Keras' `to_snake_case` of a class name: `Dense` → `dense`, `BatchNormalization` → `batch_normalization`,
 * `PReLU` → `p_re_lu`. Used as the base of default layer names.
 */
export function toSnakeCase(name: string): string {
  const intermediate = name.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  return intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Formats a shape the Keras way: `(None, 784)`. */
export function formatShape(shape: Shape): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

export function checkLayerName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('/')) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `layer name must be a non-empty string without '/', got ${JSON.stringify(name)}`,
      { details: { name } },
    );
  }
  return name;
}

export function checkInputShapeOption(inputShape: unknown): readonly number[] | undefined {
  if (inputShape === undefined) return undefined;
  if (
    !Array.isArray(inputShape) ||
    inputShape.length === 0 ||
    inputShape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1)
  ) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `inputShape must be a non-empty array of positive integers without the batch dimension (e.g. [28, 28]), got ${JSON.stringify(inputShape)}`,
      { details: { inputShape } },
    );
  }
  return Object.freeze([...inputShape]);
}
