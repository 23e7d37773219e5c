import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CacheEntry, writeCached } from './cache.js';
import { estimateText, fallbackNote, notebookEstimate, quickStandIn } from './fallback.js';
import { BUILT_IN_ESTIMATES } from './progress.js';

const dir = mkdtempSync(join(tmpdir(), 'steadygrad-fallback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const entry = (
  experiment: string,
  profile: 'notebook' | 'quick',
  args: string[],
  seconds: number,
): CacheEntry => ({
  spec: { experiment, profile, args },
  result: { experiment, profile },
  seconds,
  finishedAt: '2026-12-08T00:00:00.000Z',
});

describe('profile fallback', () => {
  it('a cached quick run with the same flags stands in for a missing notebook run', async () => {
    await writeCached(dir, entry('cnn', 'quick', [], 290));
    await writeCached(dir, entry('cnn', 'quick', ['--seeds', '2'], 500));
    const s = await quickStandIn(dir, { experiment: 'cnn', profile: 'notebook', args: [] });
    expect(s?.entry.spec).toEqual({ experiment: 'cnn', profile: 'quick', args: [] });
    expect(s?.entry.seconds).toBe(290);
    expect(s?.fallback).toEqual({
      profile: 'quick',
      notebookEstimate: BUILT_IN_ESTIMATES.cnn?.notebook,
      estimateFrom: 'built-in',
    });
    // Other flags are another key: no stand-in; nor for an experiment with no quick run.
    expect(await quickStandIn(dir, { experiment: 'cnn', profile: 'notebook', args: ['--seeds', '3'] })).toBe(
      undefined,
    );
    expect(await quickStandIn(dir, { experiment: 'bn', profile: 'notebook', args: [] })).toBe(undefined);
    // A failed notebook run is named.
    expect(
      (await quickStandIn(dir, { experiment: 'cnn', profile: 'notebook', args: [] }, 'boom'))?.fallback
        .failed,
    ).toBe('boom');
  });

  it('the notebook estimate: an earlier cached notebook run (any flags) before the built-in guess', async () => {
    expect(await notebookEstimate(dir, 'schedules')).toEqual({
      notebookEstimate: BUILT_IN_ESTIMATES.schedules?.notebook,
      estimateFrom: 'built-in',
    });
    await writeCached(dir, entry('schedules', 'notebook', ['--seeds', '1'], 1234));
    expect(await notebookEstimate(dir, 'schedules')).toEqual({
      notebookEstimate: 1234,
      estimateFrom: 'cache',
    });
    expect(await notebookEstimate(dir, 'no-such-experiment')).toEqual({
      notebookEstimate: 300,
      estimateFrom: 'built-in',
    });
  });

  it('says why, in words', () => {
    const f = { profile: 'quick', notebookEstimate: 3725, estimateFrom: 'built-in' } as const;
    expect(estimateText(f)).toBe('≈ 1h02m (the report’s built-in estimate)');
    expect(estimateText({ ...f, notebookEstimate: 90, estimateFrom: 'cache' })).toBe(
      '≈ 1m30s (an earlier cached notebook run of it)',
    );
    expect(fallbackNote('cnn', f)).toBe(
      '**Quick profile, not the notebook’s.** No notebook-profile run of it is in the report’s cache: that run takes ≈ 1h02m (the report’s built-in estimate), so this section reports its cached **quick**-profile run instead. The settings that differ from the notebook are listed below, and its figures are compared only with the Keras 3 reference of the quick profile (`tooling/reference/keras/cnn.quick.json`), never with the notebook profile’s. `pnpm demo report --only cnn` runs the notebook profile.',
    );
    expect(fallbackNote('cnn', { ...f, failed: 'exited with code 1' })).toMatch(
      /^\*\*Quick profile, not the notebook’s\.\*\* Its notebook-profile run failed \(exited with code 1\), so this section/,
    );
  });
});
