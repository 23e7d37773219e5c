/**
 * The text of `fit`'s progress output, shared by the terminal bar (Node) and the console logger (browsers):
 * numbers as Keras's `ProgbarLogger` prints them.
 */

import { optionKeys } from '@steadygrad/core';

/** Where the progress output goes: a writable stream (`process.stdout` by default). */
export interface ProgressStream {
  /** Writes a chunk of text. */
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Options of `ProgressBar`: the display mode and the stream it writes to. */
export interface ProgressBarOptions {
  /**
   * `1`: a live bar per epoch (steps, ETA, running loss and metrics), then the epoch's final line;
   * `2`: one line per epoch only (for logs and CI). Default 1.
   */
  readonly mode?: 1 | 2;
  /**
   * Output stream. Default: `process.stdout` in Node; in a browser bundle, the console (one `console.log` per
   * line).
   */
  readonly stream?: ProgressStream;
  /** Minimum milliseconds between two bar refreshes (each refresh reads the running means back once). Default 100. */
  readonly refreshMs?: number;
  /** A clock in milliseconds (tests). Default `performance.now`. */
  readonly now?: () => number;
}

/** The keys of {@link ProgressBarOptions}, checked by both `ProgressBar`s (Node's bar and the browser's logger). */
export const PROGRESS_BAR_KEYS = optionKeys<ProgressBarOptions>()(['mode', 'stream', 'refreshMs', 'now']);

/** Formats a log value like Keras's progress bar: 4 significant decimals, exponent form for tiny values. */
export function formatLogValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(4);
  return v.toFixed(4);
}

/** `key: value - key: value`, skipping `batch`, `size` and non-numbers. */
export function formatLogs(logs: Readonly<Record<string, number>>, keys?: readonly string[]): string {
  const parts: string[] = [];
  for (const k of keys ?? Object.keys(logs)) {
    if (k === 'batch' || k === 'size') continue;
    const v = logs[k]; // one read per key (batch logs are lazy getters)
    if (typeof v === 'number') parts.push(`${k}: ${formatLogValue(v)}`);
  }
  return parts.join(' - ');
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 0.9995) return `${Math.round(s * 1000)}ms`; // 0.9996 s is 1s, not 1000ms
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  const r = Math.round(s - m * 60);
  return m < 60
    ? `${m}:${String(r).padStart(2, '0')}`
    : `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(r).padStart(2, '0')}`;
}

/**
 * The line that ends an epoch: `[Epoch e/E - ]steps/steps - 2s 12ms/step - loss: … - val_loss: …` (the
 * `Epoch` prefix only in the one-line-per-epoch mode 2, where no `Epoch e/E` header precedes it).
 */
export function formatEpochEnd(
  mode: 1 | 2,
  epoch: number,
  epochs: number,
  steps: number,
  seconds: number,
  logs: Readonly<Record<string, number>>,
): string {
  const perStep = steps > 0 ? ` ${formatSeconds(seconds / steps)}/step` : '';
  const prefix = mode === 2 ? `Epoch ${epoch + 1}/${epochs} - ` : '';
  const body = formatLogs(logs);
  return `${prefix}${steps}/${steps} - ${formatSeconds(seconds)}${perStep}${body ? ` - ${body}` : ''}`;
}
