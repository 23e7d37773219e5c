import { describe, expect, it } from 'vitest';
import { experiments } from '../experiments/index.js';
import { BUILT_IN_ESTIMATES, formatDuration, Progress, secondsLeft } from './progress.js';

describe('report progress', () => {
  it('formats durations', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(-3)).toBe('0s');
  });

  it('every experiment has a built-in estimate for both profiles', () => {
    for (const e of experiments) {
      expect(BUILT_IN_ESTIMATES[e.name]?.notebook).toBeGreaterThan(0);
      expect(BUILT_IN_ESTIMATES[e.name]?.quick).toBeGreaterThan(0);
    }
  });

  it('time left: pending estimates plus what running ones still need, over the parallel jobs', () => {
    const a = { experiment: 'a', estimate: 100, estimateFrom: 'cache' as const };
    const b = { experiment: 'b', estimate: 60, estimateFrom: 'built-in' as const };
    expect(secondsLeft([a, b], [], 1)).toBe(160);
    expect(secondsLeft([b], [{ item: a, elapsed: 30 }], 1)).toBe(130);
    expect(secondsLeft([b], [{ item: a, elapsed: 130 }], 1)).toBe(60); // overran: nothing more counted
    expect(secondsLeft([b], [{ item: a, elapsed: 30 }], 2)).toBe(65);
  });

  it('writes start and finish lines with the estimate (no terminal)', () => {
    let t = 0;
    const out: string[] = [];
    const items = [
      { experiment: 'summary', estimate: 10, estimateFrom: 'cache' as const },
      { experiment: 'resume', estimate: 25, estimateFrom: 'built-in' as const },
    ];
    const p = new Progress(
      items,
      1,
      (s) => out.push(s),
      false,
      () => t,
    );
    p.start('summary');
    t = 4000;
    expect(p.status()).toBe(
      'report: 0/2 done; running summary 4s; elapsed 4s, about 31s left (partly guessed: no cached runtime yet)',
    );
    p.finish('summary', 4.2);
    p.start('resume');
    t = 30000;
    p.finish('resume', 26, 'exited with code 1');
    p.close();
    expect(out).toEqual([
      'report: summary started (estimate 10s); report: 0/2 done; running summary 0s; elapsed 0s, about 35s left (partly guessed: no cached runtime yet)\n',
      'report: summary done in 4s\n',
      'report: resume started (estimate 25s); report: 1/2 done; running resume 0s; elapsed 4s, about 25s left (partly guessed: no cached runtime yet)\n',
      'report: resume FAILED (exited with code 1) in 26s\n',
    ]);
  });
});
