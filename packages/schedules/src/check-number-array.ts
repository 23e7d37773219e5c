import { checkNumber, type NumberDomain, SteadygradError } from '@steadygrad/core';

/**
 * Validates an array of numbers: each entry is checked with `checkNumber` under the name `name[i]`, and with
 * `strictlyIncreasing` each entry must exceed the previous one. Throws `INVALID_ARGUMENT` naming the argument
 * and what was expected.
 */
export function checkNumberArray(
  name: string,
  value: unknown,
  domain: NumberDomain = {},
  options: { readonly strictlyIncreasing?: boolean } = {},
): number[] {
  const { strictlyIncreasing = false } = options;
  if (!Array.isArray(value)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `${name} must be an array of numbers, got ${JSON.stringify(value)}`,
      {
        details: { name, value },
      },
    );
  }
  const out = value.map((v, i) => checkNumber(`${name}[${i}]`, v, domain));
  if (strictlyIncreasing) {
    for (let i = 1; i < out.length; i++) {
      if (!(out[i]! > out[i - 1]!)) {
        throw new SteadygradError(
          'INVALID_ARGUMENT',
          `${name} must be strictly increasing, got ${name}[${i - 1}] = ${out[i - 1]} and ${name}[${i}] = ${out[i]} in [${out.join(', ')}]`,
          { details: { name, value } },
        );
      }
    }
  }
  return out;
}
