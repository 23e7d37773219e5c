/**
 * A configurable object's `getConfig()` entry — an initializer, regularizer or constraint as
 * `{ name, config }` (a copy of its config) — or `undefined` when there is none.
 */
export function describeObject(
  o: { readonly name: string; readonly config: Readonly<Record<string, unknown>> } | undefined,
): { name: string; config: Record<string, unknown> } | undefined {
  return o === undefined ? undefined : { name: o.name, config: { ...o.config } };
}
