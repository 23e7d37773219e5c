/** A JSON value describing a hyperparameter (a schedule or predicate is recorded as the string `'<function>'`). */
export type DescriptorValue = number | string | boolean | null | readonly DescriptorValue[];

/**
 * What a transformation is, as JSON: its name (`'adam'`, `'chain'`, …), its hyperparameters and, for a
 * combinator, its links. Checkpoints record it (`Optimizer.describe()`) and a resume compares it with the live
 * optimizer, so a run saved with `adam()` is not silently continued with `nadam()` or with another learning rate.
 */
export interface TransformDescriptor {
  readonly name: string;
  readonly config?: Readonly<Record<string, DescriptorValue>>;
  readonly links?: readonly TransformDescriptor[];
}

/** A hyperparameter as a {@link DescriptorValue}: functions become `'<function>'`, RegExps their source. */
export function describeValue(v: unknown): DescriptorValue {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'function') return '<function>';
  if (v instanceof RegExp) return String(v);
  if (Array.isArray(v)) return v.map(describeValue);
  return String(v);
}

/** The descriptor of any transformation (`{ name: 'custom' }` for one that has none). */
export function describeTransform(tx: unknown): TransformDescriptor {
  const d = (tx as { descriptor?: TransformDescriptor } | null)?.descriptor;
  return d !== undefined && typeof d === 'object' && d !== null && typeof d.name === 'string'
    ? d
    : { name: 'custom' };
}

/**
 * `tx` with a descriptor `{ name, config, links }` (the links are `tx`'s own, e.g. the chain a named optimizer
 * is built from). Undefined config values are left out.
 */
export function describedAs<T extends { readonly descriptor?: TransformDescriptor }>(
  tx: T,
  name: string,
  config: Record<string, unknown>,
): T {
  const clean: Record<string, DescriptorValue> = {};
  for (const [k, v] of Object.entries(config)) if (v !== undefined) clean[k] = describeValue(v);
  const links = describeTransform(tx).links;
  const descriptor: TransformDescriptor = { name, config: clean, ...(links === undefined ? {} : { links }) };
  return { ...tx, descriptor };
}

/** `adam({ learningRate: 0.001, beta1: 0.9 })`, for messages. */
export function formatDescriptor(d: TransformDescriptor): string {
  const config = Object.entries(d.config ?? {})
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ');
  const links = d.name === 'chain' && d.links !== undefined ? d.links.map(formatDescriptor).join(', ') : '';
  return `${d.name}(${config.length > 0 ? `{ ${config} }` : links})`;
}

/** The differences between two descriptors, one human-readable line each (empty when they are equal). */
export function descriptorDifferences(
  saved: TransformDescriptor,
  live: TransformDescriptor,
  at = '',
): string[] {
  const where = at === '' ? '' : `${at}: `;
  if (saved.name !== live.name)
    return [`${where}${formatDescriptor(saved)} was saved, this run has ${formatDescriptor(live)}`];
  const out: string[] = [];
  const keys = new Set([...Object.keys(saved.config ?? {}), ...Object.keys(live.config ?? {})]);
  for (const k of keys) {
    const a = JSON.stringify(saved.config?.[k]);
    const b = JSON.stringify(live.config?.[k]);
    if (a !== b)
      out.push(`${where}${saved.name} ${k} is ${a ?? 'unset'} in the checkpoint, ${b ?? 'unset'} now`);
  }
  const la = saved.links ?? [];
  const lb = live.links ?? [];
  if (la.length !== lb.length) {
    out.push(`${where}${saved.name} has ${la.length} links in the checkpoint, ${lb.length} now`);
  } else {
    for (const [i, l] of la.entries()) {
      out.push(...descriptorDifferences(l, lb[i]!, `${at === '' ? saved.name : at} link ${i}`));
    }
  }
  return out;
}
