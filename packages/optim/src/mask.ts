import { SteadygradError, type Tensor } from '@steadygrad/core';

/**
 * Which parameters a transformation applies to: a record `{ name: true | false }` (every parameter must be
 * listed) or a predicate of the parameter's name and value (e.g. `(name, p) => p.rank > 1` to skip biases).
 */
export type Mask = Readonly<Record<string, boolean>> | ((name: string, param: Tensor) => boolean);

/** Whether `mask` selects parameter `name`. A record that does not list `name` is an error. */
export function isSelected(mask: Mask, name: string, param: Tensor): boolean {
  if (typeof mask === 'function') return mask(name, param);
  const v = Object.hasOwn(mask, name) ? mask[name] : undefined;
  if (typeof v !== 'boolean') {
    throw new SteadygradError(
      'NOT_FOUND',
      `mask has no boolean entry for parameter '${name}' (it lists [${Object.keys(mask).join(', ')}]); list every parameter or pass a function (name, param) => boolean`,
      { details: { parameter: name } },
    );
  }
  return v;
}
