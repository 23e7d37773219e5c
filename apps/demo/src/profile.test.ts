import { describe, expect, it } from 'vitest';
import { describeProfile, qualifyPublished, resolveProfile } from './profile.js';

const SPEC = {
  notebook: {
    epochs: 30,
    hidden: [300, 100],
    learningRate: 0.01,
    seeds: 3,
    limit: 'none' as string | number,
  },
  quick: { epochs: 5, seeds: 1 },
};

describe('resolveProfile', () => {
  it('notebook: the notebook settings and no difference', () => {
    const r = resolveProfile('notebook', SPEC);
    expect(r).toEqual({ profile: 'notebook', settings: SPEC.notebook, notebookDifferences: [] });
    expect(describeProfile(r)).toBe("profile notebook — the notebook's settings");
    expect(qualifyPublished(r)).toBe("notebook profile, the notebook's settings");
  });

  it('quick: its changes, listed as differences in the notebook order', () => {
    const r = resolveProfile('quick', SPEC);
    expect(r.settings).toEqual({ ...SPEC.notebook, epochs: 5, seeds: 1 });
    expect(r.notebookDifferences).toEqual([
      { setting: 'epochs', notebook: 30, used: 5 },
      { setting: 'seeds', notebook: 3, used: 1 },
    ]);
    expect(describeProfile(r)).toBe(
      'profile quick — differs from the notebook: epochs 5 (notebook 30), seeds 1 (notebook 3)',
    );
  });

  it('overrides win over both profiles; undefined is no override; arrays are compared and shown as text', () => {
    const r = resolveProfile('notebook', SPEC, { epochs: undefined, limit: 60_000, hidden: [32, 16] });
    expect(r.settings.epochs).toBe(30);
    expect(r.notebookDifferences).toEqual([
      { setting: 'hidden', notebook: '300-100', used: '32-16' },
      { setting: 'limit', notebook: 'none', used: 60_000 },
    ]);
    expect(qualifyPublished(r)).toBe(
      'notebook profile, differs: hidden 32-16 (notebook 300-100), limit 60,000 (notebook none)',
    );
    // An override equal to the notebook's value is no difference, even in the quick profile.
    expect(resolveProfile('quick', SPEC, { epochs: 30, seeds: 3 }).notebookDifferences).toEqual([]);
  });

  it('refuses a setting the notebook does not have', () => {
    expect(() => resolveProfile('notebook', SPEC, { width: 3 } as never)).toThrow(
      "override setting 'width' is not a notebook setting",
    );
  });
});
