import type { Logs } from './callbacks.js';

/** The accumulator entry of the penalties' part of the loss (`regularization_loss` in the logs). */
export const REG_KEY = 'regularization_loss';
/** Accumulator entries of the non-finite guard (never shown in logs). */
export const BAD_KEY = '\u0000nonfinite';
/** The global step of the run's first non-finite step (accumulated as a sum, read with the epoch's logs). */
export const FIRST_BAD_KEY = '\u0000first_nonfinite';

/** The logs of an epoch's (or an evaluation's) means: the guard's entries and an absent penalty left out. */
export function logsFrom(means: Record<string, number>, hasPenalty: boolean, prefix = ''): Logs {
  const logs: Logs = {};
  for (const [k, v] of Object.entries(means)) {
    if ((k === REG_KEY && !hasPenalty) || k === BAD_KEY || k === FIRST_BAD_KEY) continue;
    logs[prefix + k] = v;
  }
  return logs;
}

/** `logs` with every key prefixed by `val_` (the validation pass's logs). */
export function prefixed(logs: Logs): Logs {
  const out: Logs = {};
  for (const [k, v] of Object.entries(logs)) out[`val_${k}`] = v;
  return out;
}
