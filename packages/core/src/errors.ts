/**
 * The one error class of steadygrad. Every failure a user can cause is a `SteadygradError` with a stable
 * `code`, a message that names what was wrong and what was expected, and optional structured `details`.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SHAPE_MISMATCH'
  | 'DTYPE_MISMATCH'
  | 'NON_FINITE'
  | 'OUT_OF_RANGE'
  | 'UNKNOWN_NAME'
  | 'UNKNOWN_OPTION'
  | 'NOT_BUILT'
  | 'NOT_FOUND'
  | 'CORRUPT_DATA'
  | 'CHECKSUM_MISMATCH'
  | 'BACKEND_UNAVAILABLE'
  | 'INCOMPATIBLE'
  | 'IO_ERROR'
  | 'DIVERGED'
  /** The object is in use by a running operation (a second `fit` on a model that is being trained). */
  | 'BUSY'
  /** The object was disposed (a trainer after `dispose()`, a model whose parameters were freed). */
  | 'DISPOSED';

/**
 * Optional parts of a `SteadygradError`: structured `details` (the values involved, for programs) and the
 * underlying `cause`.
 */
export interface SteadygradErrorOptions {
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/**
 * The one error class of steadygrad: every failure a user can cause has a stable `code` (an `ErrorCode`), a
 * message that names what was wrong and what was expected, and optional structured `details`. Test for it with
 * `isSteadygradError(e, 'SHAPE_MISMATCH')`.
 */
export class SteadygradError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: SteadygradErrorOptions = {}) {
    const { details = {}, cause } = options;
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SteadygradError';
    this.code = code;
    this.details = details;
  }
}

/** True when `e` is a steadygrad error, optionally of the given code. */
export function isSteadygradError(e: unknown, code?: ErrorCode): e is SteadygradError {
  return e instanceof SteadygradError && (code === undefined || e.code === code);
}
