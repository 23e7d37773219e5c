// A notebook report's profile fallback: an experiment whose notebook-profile run is not in the cache (too long
// to run here, or it failed) but whose quick-profile run is, is reported from the quick run — said at the top of
// its section and in the overview, with why (the notebook run's estimated runtime), the settings that differ
// (the result's notebookDifferences, listed by the section as for any run) and a comparison with the Keras 3
// reference of the quick profile only. `pnpm demo report --fallback none` turns it off.
import { type CacheEntry, cachedSeconds, type RunSpec, readCached } from './cache.js';
import { BUILT_IN_ESTIMATES, formatDuration } from './progress.js';

/** Why a notebook report shows an experiment's quick-profile result. */
export interface ProfileFallback {
  /** The profile the section reports (the report's own is `notebook`). */
  readonly profile: 'quick';
  /** The notebook-profile run's estimated seconds. */
  readonly notebookEstimate: number;
  /** Where the estimate comes from: an earlier cached notebook run (other flags), or the built-in table. */
  readonly estimateFrom: 'cache' | 'built-in';
  /** The notebook-profile run's error, when it was tried in this report run and failed. */
  readonly failed?: string;
}

/** The notebook-profile run's estimated seconds: the latest cached one (any flags), else the built-in guess. */
export async function notebookEstimate(
  cache: string,
  experiment: string,
): Promise<Pick<ProfileFallback, 'notebookEstimate' | 'estimateFrom'>> {
  const [latest] = await cachedSeconds(cache, experiment, 'notebook');
  return latest !== undefined
    ? { notebookEstimate: latest, estimateFrom: 'cache' }
    : { notebookEstimate: BUILT_IN_ESTIMATES[experiment]?.notebook ?? 300, estimateFrom: 'built-in' };
}

/**
 * The cached quick-profile run standing in for the notebook run `spec` (a notebook spec) lacks: the quick
 * spec has the same flags, so its cache key is the one a `--quick` report uses. `undefined` when there is none.
 */
export async function quickStandIn(
  cache: string,
  spec: RunSpec,
  failed?: string,
): Promise<{ entry: CacheEntry; fallback: ProfileFallback } | undefined> {
  const entry = await readCached(cache, { ...spec, profile: 'quick' });
  if (entry === undefined) return undefined;
  const estimate = await notebookEstimate(cache, spec.experiment);
  return {
    entry,
    fallback: { profile: 'quick', ...estimate, ...(failed !== undefined ? { failed } : {}) },
  };
}

/** The notebook run's estimate in words, e.g. `≈ 1h00m (the report's built-in estimate)`. */
export function estimateText(f: ProfileFallback): string {
  return `≈ ${formatDuration(f.notebookEstimate)} (${
    f.estimateFrom === 'cache' ? 'an earlier cached notebook run of it' : 'the report’s built-in estimate'
  })`;
}

/** The note at the top of a section reported from the quick profile instead of the notebook's. */
export function fallbackNote(experiment: string, f: ProfileFallback): string {
  const why =
    f.failed !== undefined
      ? `Its notebook-profile run failed (${f.failed})`
      : `No notebook-profile run of it is in the report’s cache: that run takes ${estimateText(f)}`;
  return (
    `**Quick profile, not the notebook’s.** ${why}, so this section reports its cached **quick**-profile run ` +
    `instead. The settings that differ from the notebook are listed below, and its figures are compared only ` +
    `with the Keras 3 reference of the quick profile (\`tooling/reference/keras/${experiment}.quick.json\`), ` +
    `never with the notebook profile’s. \`pnpm demo report --only ${experiment}\` runs the notebook profile.`
  );
}
