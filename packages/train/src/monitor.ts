import { checkOneOf, SteadygradError } from '@steadygrad/core';

/**
 * Whether a monitored log value improves when it falls (`'min'`), rises (`'max'`), or as its name says
 * (`'auto'`: `'max'` for accuracies, else `'min'`), as in Keras.
 */
export type MonitorMode = 'auto' | 'min' | 'max';

/**
 * The direction of a monitored quantity. `'auto'` follows Keras: `'max'` when the name contains `acc`
 * (`accuracy`, `val_accuracy`, `val_acc`) or starts with `fmeasure`, `'min'` otherwise (losses, errors).
 */
export function resolveMode(name: string, mode: MonitorMode, monitor: string): 'min' | 'max' {
  checkOneOf(`${name} mode`, mode, ['auto', 'min', 'max'] as const);
  if (mode !== 'auto') return mode;
  return monitor.includes('acc') || monitor.startsWith('fmeasure') ? 'max' : 'min';
}

/** The monitored value from epoch logs; a missing key is an error listing the keys that exist. */
export function monitorValue(name: string, monitor: string, logs: Readonly<Record<string, number>>): number {
  const v = logs[monitor];
  if (typeof v !== 'number') {
    throw new SteadygradError(
      'NOT_FOUND',
      `${name}: monitor '${monitor}' is not in the epoch logs; available keys: [${Object.keys(logs).join(', ')}] (val_* keys need validation data)`,
      { details: { monitor, available: Object.keys(logs) } },
    );
  }
  return v;
}
