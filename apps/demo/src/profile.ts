// Experiment profiles (issue 25): `notebook` runs an experiment with the seed notebook's exact settings (where
// the seed shows no training code, those of Géron's companion notebook whose published figures it cites);
// `quick` with scaled-down settings for tests and the web page. Every result names its profile and lists the
// settings of the run that differ from the notebook, command-line overrides included.

/** Which settings an experiment runs with: the notebook's (default) or the scaled-down ones. */
export type Profile = 'notebook' | 'quick';

/** The profiles, in the order the CLI lists them. */
export const PROFILES: readonly Profile[] = ['notebook', 'quick'];

/** A value in a {@link NotebookDifference}: arrays are written as text (`[300, 100]` → `'300-100'`). */
export type SettingValue = string | number | boolean;

/** One setting of a run that differs from the seed notebook's. */
export interface NotebookDifference {
  /** The setting's name, as in the experiment's `settings` (e.g. `'epochs'`, `'hidden'`, `'limit'`). */
  readonly setting: string;
  /** The notebook's value. */
  readonly notebook: SettingValue;
  /** The value this run used. */
  readonly used: SettingValue;
}

/** An experiment's settings: plain values, or arrays of them (network widths, seed lists). */
export type Settings = Readonly<Record<string, SettingValue | readonly SettingValue[]>>;

/** What {@link resolveProfile} is given: the notebook's settings and the quick profile's changes to them. */
export interface ProfileSpec<S extends Settings> {
  /** Every setting of the experiment, at the notebook's value. */
  readonly notebook: S;
  /** The settings the quick profile changes (the rest stay at the notebook's values). */
  readonly quick: Partial<S>;
}

/** The settings in force for one run, with its profile and what differs from the notebook. */
export interface ResolvedProfile<S extends Settings> {
  readonly profile: Profile;
  readonly settings: S;
  /** Every setting of `settings` that differs from the notebook's, in the notebook's order. */
  readonly notebookDifferences: readonly NotebookDifference[];
}

/** The two fields every experiment's result carries (issue 25). */
export interface ProfileFields {
  readonly profile: Profile;
  readonly notebookDifferences: readonly NotebookDifference[];
}

function asValue(v: SettingValue | readonly SettingValue[]): SettingValue {
  return Array.isArray(v) ? v.join('-') : (v as SettingValue);
}

/**
 * The settings of a run: the notebook's, changed by the quick profile's when `profile` is `'quick'`, then by
 * the command-line `overrides` (an `undefined` override is no override). `notebookDifferences` lists every
 * setting that ends up different from the notebook's.
 *
 * @throws Error naming an override or quick setting the notebook does not have (a programming mistake).
 */
export function resolveProfile<S extends Settings>(
  profile: Profile,
  spec: ProfileSpec<S>,
  overrides: { readonly [K in keyof S]?: S[K] | undefined } = {},
): ResolvedProfile<S> {
  const settings: Record<string, SettingValue | readonly SettingValue[]> = { ...spec.notebook };
  const apply = (changes: Readonly<Record<string, unknown>>, what: string) => {
    for (const [key, value] of Object.entries(changes)) {
      if (!(key in spec.notebook)) throw new Error(`${what} setting '${key}' is not a notebook setting`);
      if (value !== undefined) settings[key] = value as SettingValue | readonly SettingValue[];
    }
  };
  if (profile === 'quick') apply(spec.quick, 'quick');
  apply(overrides, 'override');
  const notebookDifferences: NotebookDifference[] = [];
  for (const [setting, value] of Object.entries(spec.notebook)) {
    const notebook = asValue(value);
    const used = asValue(settings[setting] as SettingValue | readonly SettingValue[]);
    if (notebook !== used) notebookDifferences.push({ setting, notebook, used });
  }
  return { profile, settings: settings as S, notebookDifferences };
}

function show(v: SettingValue): string {
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) >= 10_000
    ? v.toLocaleString('en-US')
    : String(v);
}

/** `epochs 5 (notebook 30), seeds 1 (notebook 3)`: the differences of a run, in words. */
function differencesText(p: ProfileFields): string {
  return p.notebookDifferences
    .map((d) => `${d.setting} ${show(d.used)} (notebook ${show(d.notebook)})`)
    .join(', ');
}

/**
 * One line naming the profile and every setting that differs from the notebook, e.g.
 * `profile quick — differs from the notebook: epochs 5 (notebook 30), seeds 1 (notebook 3)`, or
 * `profile notebook — the notebook's settings`.
 */
export function describeProfile(p: ProfileFields): string {
  if (p.notebookDifferences.length === 0) return `profile ${p.profile} — the notebook's settings`;
  return `profile ${p.profile} — differs from the notebook: ${differencesText(p)}`;
}

/**
 * What qualifies a comparison with a published figure: `'notebook profile, the notebook's settings'`, or the
 * settings of this run that differ (`'quick profile, differs: epochs 5 (notebook 30)'`). Every log line that
 * cites a published figure appends it.
 */
export function qualifyPublished(p: ProfileFields): string {
  if (p.notebookDifferences.length === 0) return `${p.profile} profile, the notebook's settings`;
  return `${p.profile} profile, differs: ${differencesText(p)}`;
}

/** The `limit` of resolved settings as `experimentData` takes it (`undefined` = the whole dataset). */
export function limitOf(value: SettingValue | readonly SettingValue[] | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** The seeds a multi-seed run uses: `count` consecutive seeds from `first`. */
export function seedList(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}
