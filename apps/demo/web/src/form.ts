import type { WebBackend } from './protocol.js';

/** The raw strings of the form's fields. */
export interface FormInput {
  readonly experiment: string;
  readonly backend: string;
  readonly seed: string;
  readonly epochs: string;
  readonly batchSize: string;
  readonly learningRate: string;
  readonly limit: string;
}

export interface FormValues {
  readonly experiment: string;
  readonly backend: WebBackend;
  readonly seed: number;
  readonly epochs: number | undefined;
  readonly batchSize: number | undefined;
  readonly learningRate: number | undefined;
  readonly limit: number | undefined;
}

export type FieldErrors = Partial<Record<keyof FormInput, string>>;

const BACKENDS: readonly WebBackend[] = ['auto', 'webgl', 'wasm', 'cpu'];

/** A number field: empty → `undefined` (the experiment's default) when `optional`; else a message. */
function parseNumber(
  raw: string,
  what: string,
  rule: { integer?: boolean; min?: number; above?: number; max?: number; optional?: boolean },
): number | string | undefined {
  const text = raw.trim();
  if (text === '') return rule.optional ? undefined : `${what} is required`;
  // Number('') and Number(' ') are 0, Number('1e') is NaN; only plain decimal notation is accepted.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return `${what} must be a number, got '${text}'`;
  const n = Number(text);
  if (!Number.isFinite(n)) return `${what} must be a finite number, got '${text}'`;
  if (rule.integer && !Number.isInteger(n)) return `${what} must be a whole number, got ${text}`;
  if (rule.above !== undefined && !(n > rule.above))
    return `${what} must be greater than ${rule.above}, got ${text}`;
  if (rule.min !== undefined && n < rule.min) return `${what} must be at least ${rule.min}, got ${text}`;
  if (rule.max !== undefined && n > rule.max) return `${what} must be at most ${rule.max}, got ${text}`;
  return n;
}

/**
 * Validates the form. Returns the values, or one message per bad field (shown next to it; nothing runs).
 * Empty epochs / batch size / learning rate / limit mean "the experiment's default".
 */
export function validateForm(
  input: FormInput,
  known: { readonly experiments: readonly string[]; readonly trainImages: number },
): { ok: true; values: FormValues } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const check = (key: keyof FormInput, r: number | string | undefined): number | undefined => {
    if (typeof r === 'string') {
      errors[key] = r;
      return undefined;
    }
    return r;
  };
  if (!known.experiments.includes(input.experiment)) {
    errors.experiment = `unknown experiment '${input.experiment}'; pick one of the list`;
  }
  if (!(BACKENDS as readonly string[]).includes(input.backend)) {
    errors.backend = `backend must be one of ${BACKENDS.join(', ')}, got '${input.backend}'`;
  }
  const seed = check('seed', parseNumber(input.seed, 'seed', { integer: true, min: 0, max: 0xffffffff }));
  const epochs = check(
    'epochs',
    parseNumber(input.epochs, 'epochs', { integer: true, min: 1, max: 1000, optional: true }),
  );
  const batchSize = check(
    'batchSize',
    parseNumber(input.batchSize, 'batch size', { integer: true, min: 1, max: 65536, optional: true }),
  );
  const learningRate = check(
    'learningRate',
    parseNumber(input.learningRate, 'learning rate', { above: 0, max: 10, optional: true }),
  );
  const limit = check(
    'limit',
    parseNumber(input.limit, 'limit (training images)', {
      integer: true,
      min: 100,
      max: known.trainImages,
      optional: true,
    }),
  );
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    values: {
      experiment: input.experiment,
      backend: input.backend as WebBackend,
      seed: seed!,
      epochs,
      batchSize,
      learningRate,
      limit,
    },
  };
}
