/** Mean and sample standard deviation (n − 1; 0 for a single value) of per-seed figures, with the values. */
export interface SeedStats {
  readonly mean: number;
  readonly std: number;
  readonly values: readonly number[];
}

/** The summary every multi-seed experiment reports: `{ mean, std, values }`. */
export function seedStats(values: readonly number[]): SeedStats {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, values: [...values] };
}
