import { SteadygradError } from './errors.js';

/** Bounds for {@link checkNumber}. `min`/`max` are inclusive, `above`/`below` exclusive. */
export interface NumberDomain {
  readonly min?: number;
  readonly max?: number;
  readonly above?: number;
  readonly below?: number;
  readonly integer?: boolean;
}

function describeDomain(d: NumberDomain): string {
  const parts: string[] = [];
  if (d.integer) parts.push('an integer');
  else parts.push('a finite number');
  if (d.min !== undefined) parts.push(`>= ${d.min}`);
  if (d.above !== undefined) parts.push(`> ${d.above}`);
  if (d.max !== undefined) parts.push(`<= ${d.max}`);
  if (d.below !== undefined) parts.push(`< ${d.below}`);
  return parts.join(' ');
}

/**
 * Validates a hyperparameter and returns it. Throws `INVALID_ARGUMENT` naming the parameter, the expected
 * domain and the value received, e.g. `learningRate must be a finite number >= 0, got -1`.
 */
export function checkNumber(name: string, value: unknown, domain: NumberDomain = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!domain.integer || Number.isInteger(value)) &&
    (domain.min === undefined || value >= domain.min) &&
    (domain.max === undefined || value <= domain.max) &&
    (domain.above === undefined || value > domain.above) &&
    (domain.below === undefined || value < domain.below);
  if (!ok) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `${name} must be ${describeDomain(domain)}, got ${typeof value === 'number' ? value : JSON.stringify(value)}`,
      { details: { name, value, domain } },
    );
  }
  return value as number;
}

/** Validates that `value` is one of `allowed`; the error lists the valid choices. */
export function checkOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`,
      { details: { name, value, allowed } },
    );
  }
  return value as T;
}

/** Validates that `value` is a boolean (no truthy/falsy coercion). */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new SteadygradError('INVALID_ARGUMENT', `${name} must be a boolean, got ${JSON.stringify(value)}`, {
      details: { name, value },
    });
  }
  return value;
}
