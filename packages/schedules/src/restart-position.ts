/**
 * Where `t` falls in a sequence of periods of lengths `T0, T0·m, T0·m², ...` (m >= 1): the 0-based period
 * index `i` and the fraction `f` in [0, 1) of that period already done.
 *
 * Period i starts at `T0 · (m^i − 1) / (m − 1)` (`T0 · i` when m = 1). The index is first estimated with the
 * closed form `floor(log(1 + (t / T0)(m − 1)) / log m)` (the one Keras and PyTorch use) and then corrected so
 * that `start(i) <= t < start(i + 1)` holds exactly: the bare logarithm can round down at a restart step
 * (e.g. `log(243) / log(3) = 4.999...`), which would put the first step of a period at the end of the
 * previous one.
 */
export function restartPosition(t: number, t0: number, mult: number): { index: number; fraction: number } {
  if (mult === 1) {
    const index = Math.floor(t / t0);
    return { index, fraction: t / t0 - index };
  }
  const start = (i: number): number => (t0 * (mult ** i - 1)) / (mult - 1);
  let index = Math.max(0, Math.floor(Math.log(1 + (t / t0) * (mult - 1)) / Math.log(mult)));
  while (start(index + 1) <= t) index++;
  while (index > 0 && start(index) > t) index--;
  return { index, fraction: (t - start(index)) / (t0 * mult ** index) };
}
