// The reproduction report as markdown (docs/reproduction.md): per experiment, the run (profile, the settings
// that differ from the notebook), its Keras 3 reference (or why there is none), a table — figure, steadygrad
// (mean ± std, n seeds, profile), Keras 3, Géron's published figure, verdict — the explanations of the named
// differences, and its plots.
import type { CacheEntry } from './cache.js';
import type { SampleSummary } from './comparison.js';
import { noReferenceReason } from './differences.js';
import { experimentFigures } from './experiment-figures.js';
import { estimateText, fallbackNote, type ProfileFallback } from './fallback.js';
import { familyWise } from './family-wise.js';
import { at, type Figure, type FigureFormat, list } from './figure.js';
import type { KerasReference } from './keras-reference.js';
import { derivedVerdict, referenceSummary, type Verdict, type VerdictTables, verdict } from './verdict.js';

/** One plot of a section: its file (relative to the markdown) and title. */
export interface PlotLink {
  readonly file: string;
  readonly title: string;
}

/** What the report knows about one experiment. */
export interface ReportSection {
  readonly experiment: string;
  readonly description: string;
  /** The run's cache entry; `undefined` when it has not run (or failed). */
  readonly entry?: CacheEntry;
  /** Why there is no result: the run failed, or it has not run yet. */
  readonly error?: string;
  readonly reference?: KerasReference;
  readonly plots?: readonly PlotLink[];
  /**
   * Set when a notebook report shows the experiment's quick-profile run instead (no notebook run cached):
   * `entry` and `reference` are then the quick profile's.
   */
  readonly fallback?: ProfileFallback;
}

/** The whole report. */
export interface ReportDocument {
  readonly profile: 'notebook' | 'quick';
  /** The command that regenerates it. */
  readonly command: string;
  /** ISO time it was written. */
  readonly generated: string;
  readonly sections: readonly ReportSection[];
  readonly tables?: VerdictTables;
}

/** Escapes a table cell (pipes, newlines). */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A figure's value in its format. */
export function formatValue(v: number, format: FigureFormat): string {
  if (v === 0 && format === 'number') return '0';
  switch (format) {
    case 'accuracy':
      return v.toFixed(4);
    case 'integer':
      return Math.round(v).toLocaleString('en-US');
    case 'boolean':
      return v === 1 ? 'yes' : v === 0 ? 'no' : v.toFixed(2);
    default:
      return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(4);
  }
}

/** `mean ± std (n seeds)` or the value alone for a single seed / exact figure. */
export function formatSummary(s: SampleSummary, format: FigureFormat, exact = false): string {
  if (exact) return formatValue(s.mean, format);
  if ((s as { meanOnly?: boolean }).meanOnly) return `${formatValue(s.mean, format)} (mean of ${s.n} seeds)`;
  if (s.n === 1) return `${formatValue(s.mean, format)} (1 seed)`;
  return `${formatValue(s.mean, format)} ± ${formatValue(s.std, format === 'integer' ? 'number' : format)} (${s.n} seeds)`;
}

/** The Keras 3 cell of a figure none of whose reference values is finite: `not finite (n seeds)`, else `—`. */
function nonFiniteCell(reference: KerasReference | undefined, id: string): string {
  const n = reference?.metrics[id]?.values.length ?? 0;
  return n > 0 ? `not finite (${n} seed${n === 1 ? '' : 's'})` : '—';
}

/** The rows of one section: each figure with its verdict. */
export function sectionRows(section: ReportSection, profile: string, tables: VerdictTables = {}) {
  const figures: Figure[] = section.entry ? experimentFigures(section.experiment, section.entry.result) : [];
  const rows = figures.map((figure) => ({
    figure,
    keras: referenceSummary(section.reference, figure.id),
    verdict: verdict(section.experiment, profile, figure, section.reference, tables) as Verdict,
  }));
  // A derived figure (e.g. the error rate transfer removes) is judged through the rows it is computed from.
  const byId = new Map(rows.map((r) => [r.figure.id, r.verdict]));
  return rows.map((r) =>
    r.figure.derivedFrom
      ? {
          ...r,
          verdict: derivedVerdict(
            r.verdict,
            r.figure.derivedFrom.map((id) => byId.get(id)),
            r.figure.derivedFrom,
          ),
        }
      : r,
  );
}

function differencesLine(result: unknown): string {
  const diffs = list(at(result, 'notebookDifferences'));
  if (at(result, 'notebookDifferences') === undefined) {
    return 'Settings against the notebook: not reported by this result.';
  }
  if (diffs.length === 0) return "Settings: the notebook's (no difference).";
  const items = diffs.map(
    (d) => `${String(at(d, 'setting'))} ${String(at(d, 'used'))} (notebook: ${String(at(d, 'notebook'))})`,
  );
  return `Settings that differ from the notebook: ${items.join('; ')}.`;
}

function referenceLine(ref: KerasReference): string {
  const versions = ref.versions
    ? Object.entries(ref.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
    : 'versions not recorded';
  const machine = ref.machine ? `; machine: ${Object.values(ref.machine).join(', ')}` : '';
  return `Keras 3 reference: \`tooling/reference/keras/${ref.experiment}.${ref.profile}.json\`${ref.generatedBy ? ` (${ref.generatedBy}` : ' ('}${ref.generated ? `, ${ref.generated}` : ''}; ${versions}${machine}).`;
}

/** Each run section's rows, judged once per report (the sections, the overview and the family-wise paragraph). */
type RowsBySection = ReadonlyMap<ReportSection, ReturnType<typeof sectionRows>>;

/** The profile a section's result ran (its own record, else the cache entry's). */
function profileOf(entry: NonNullable<ReportSection['entry']>): string {
  return String(at(entry.result, 'profile') ?? entry.spec.profile);
}

function judgeAll(doc: ReportDocument): RowsBySection {
  const rows = new Map<ReportSection, ReturnType<typeof sectionRows>>();
  for (const s of doc.sections) {
    if (s.entry !== undefined) rows.set(s, sectionRows(s, profileOf(s.entry), doc.tables));
  }
  return rows;
}

function section(
  s: ReportSection,
  doc: ReportDocument,
  counts: Map<Verdict['kind'], number>,
  judged: RowsBySection,
): string[] {
  const out = [`## ${s.experiment}`, '', s.description, ''];
  if (s.entry !== undefined && s.fallback) out.push(`> ${fallbackNote(s.experiment, s.fallback)}`, '');
  if (s.entry === undefined) {
    out.push(`**No result**: ${s.error ?? 'not run yet'}.`, '');
    return out;
  }
  const r = s.entry.result;
  const profile = profileOf(s.entry);
  out.push(
    `Run: \`pnpm demo ${s.experiment} --json --profile ${s.entry.spec.profile}${s.entry.spec.args.length > 0 ? ` ${s.entry.spec.args.join(' ')}` : ''}\`, profile ${profile}, ${Math.round(s.entry.seconds)} s, finished ${s.entry.finishedAt}${s.entry.commit ? ` on commit ${s.entry.commit.slice(0, 10)}` : ''}${typeof at(r, 'backend') === 'string' ? `, ${String(at(r, 'backend'))} backend` : ''}.`,
    differencesLine(r),
  );
  if (s.reference) out.push(referenceLine(s.reference));
  else
    out.push(
      `Keras 3 reference: none — ${noReferenceReason(s.experiment, profile, doc.tables?.noReference)}${
        s.fallback ? '; the notebook profile’s reference is not compared with a quick-profile run' : ''
      }.`,
    );
  out.push('');
  const rows = judged.get(s) ?? [];
  if (rows.length === 0) {
    out.push('(This result carries no figure the report knows how to read.)', '');
  } else {
    out.push(
      '| figure | steadygrad | Keras 3 | Géron (published) | verdict |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const { figure, keras, verdict: v } of rows) {
      counts.set(v.kind, (counts.get(v.kind) ?? 0) + 1);
      const ours = figure.steadygrad
        ? figure.derivedFrom
          ? `${formatValue(figure.steadygrad.mean, figure.format)} (from the means), ${profile}`
          : `${formatSummary(figure.steadygrad, figure.format, figure.exact)}, ${profile}`
        : figure.nonFinite
          ? `not finite, ${profile}`
          : '—';
      const theirs = keras
        ? formatSummary(keras, figure.format, figure.exact)
        : nonFiniteCell(s.reference, figure.id);
      const pub = figure.published
        ? `${formatValue(figure.published.value, figure.format)}${figure.published.note ? ` (${figure.published.note})` : ''}`
        : '—';
      out.push(
        `| ${cell(figure.label)} | ${cell(ours)} | ${cell(theirs)} | ${cell(pub)} | ${cell(v.kind === 'no-reference' && !s.reference ? `no Keras 3 reference${s.fallback ? ' for the quick profile' : ''} (why: above the table)` : v.text)} |`,
      );
    }
    out.push('');
    const named = new Map<string, string>();
    for (const { verdict: v } of rows) {
      if (v.kind === 'differs' && v.difference) named.set(v.difference.name, v.difference.explanation);
    }
    for (const [name, explanation] of named) out.push(`- **${name}**: ${explanation}`);
    if (named.size > 0) out.push('');
    // The experiments' own Welch statements: bn's, optimizers' and schedules' `comparisons`, transfer's
    // `significance`, activations' `bestVsWorst`, regularization's `mcDropout.significance`.
    const statements = [
      ...list(at(r, 'comparisons')),
      at(r, 'significance'),
      at(r, 'bestVsWorst'),
      at(r, 'mcDropout', 'significance'),
    ]
      .map((c) => at(c, 'statement'))
      .filter((t): t is string => typeof t === 'string');
    if (statements.length > 0) {
      out.push(
        'Between variants (steadygrad, Welch over the seeds):',
        '',
        ...statements.map((t) => `- ${t}`),
        '',
      );
    }
  }
  for (const p of s.plots ?? []) out.push(`![${p.title}](${p.file})`, '');
  return out;
}

/** The overview's profile of a section: its run's, with why when a quick run stands in for a notebook one. */
function profileCell(s: ReportSection): string {
  const profile = s.entry?.spec.profile ?? '—';
  if (!s.fallback) return profile;
  return `**${profile}** (notebook ${s.fallback.failed !== undefined ? 'run failed' : `not run: ${estimateText(s.fallback)}`})`;
}

/** The table of contents: per experiment, whether it has a result and how its rows were judged. */
function overview(doc: ReportDocument, judged: RowsBySection): string[] {
  const lines = [
    '| experiment | profile | runtime | agree | differ | no reference | other |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const s of doc.sections) {
    const anchor = `[${s.experiment}](#${s.experiment
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-')})`;
    if (s.entry === undefined) {
      lines.push(`| ${anchor} | — | not run | | | | |`);
      continue;
    }
    const rows = judged.get(s) ?? [];
    const count = (...kinds: Verdict['kind'][]) => rows.filter((r) => kinds.includes(r.verdict.kind)).length;
    const differs = rows.filter((r) => r.verdict.kind === 'differs');
    const unexplained = differs.filter(
      (r) => r.verdict.kind === 'differs' && r.verdict.difference === undefined,
    ).length;
    lines.push(
      `| ${anchor} | ${profileCell(s)} | ${Math.round(s.entry.seconds)} s | ${count('agrees')} | ${differs.length}${unexplained > 0 ? ` (${unexplained} unexplained)` : ''} | ${count('no-reference')} | ${count('too-few-seeds', 'derived', 'missing')} |`,
    );
  }
  return [...lines, ''];
}

/** The report's method paragraph: how a verdict is reached. */
export const METHOD =
  'A verdict says "agrees with Keras 3 within noise" when |steadygrad − Keras 3| ≤ 2 standard errors of the difference (Welch: √(s₁²/n₁ + s₂²/n₂) over the per-seed figures of both). Where one side has a single value x and the other n ≥ 2 seeds (mean m, sample std s), it agrees when x lies in the 95% prediction interval of one more seed, |x − m| ≤ t·s·√(1 + 1/n), t being Student’s two-sided 95% quantile for n − 1 degrees of freedom (4.30 for 3 seeds, 2.26 for 10: a standard deviation from a few seeds is itself uncertain); one value against one cannot be judged; exact figures (parameter counts) must be equal. Otherwise the verdict names the difference and the explanation follows the table. Published figures are Géron’s, mostly one seed, and qualified by their settings.';

/** The report's markdown. */
export function reportMarkdown(doc: ReportDocument): string {
  const counts = new Map<Verdict['kind'], number>();
  const judged = judgeAll(doc);
  const body = doc.sections.flatMap((s) => section(s, doc, counts, judged));
  const ran = doc.sections.filter((s) => s.entry !== undefined).length;
  const n = (k: Verdict['kind']) => counts.get(k) ?? 0;
  const standIns = doc.sections.filter((s) => s.entry !== undefined && s.fallback).map((s) => s.experiment);
  const head = [
    '# The chapter, reproduced',
    '',
    `<!-- Generated by \`${doc.command}\` at ${doc.generated}; do not edit by hand. -->`,
    '',
    `The seed notebook's experiments run with steadygrad (profile **${doc.profile}**), next to Keras 3 run on the same splits and seeds (tooling/reference) and Géron's published figures. Regenerate with \`${doc.command}\`.`,
    '',
    ...(standIns.length > 0
      ? [
          `${standIns.length === 1 ? 'One experiment is' : `${standIns.length} experiments are`} reported from the **quick** profile instead, because the report’s cache has no notebook-profile result for ${standIns.length === 1 ? 'it' : 'them'}: ${standIns.join(', ')}. The overview's profile column and ${standIns.length === 1 ? 'its section say' : 'each of their sections say'} so, list the settings that differ from the notebook, and compare ${standIns.length === 1 ? 'it' : 'them'} only with the Keras 3 reference of the quick profile.`,
          '',
        ]
      : []),
    METHOD,
    '',
    `${ran} of ${doc.sections.length} experiments have results; ${n('agrees')} figures agree with Keras 3, ${n('differs')} differ (named or unexplained, see each table), ${n('no-reference')} have no Keras 3 reference (the row says why), ${n('too-few-seeds')} have too few seeds to judge, ${n('derived')} are derived from other rows, ${n('missing')} are missing from their result.`,
    '',
    ...overview(doc, judged),
    ...familyWiseLines(doc, judged),
  ];
  return `${[...head, ...body].join('\n').trimEnd()}\n`;
}

/** The paragraph that puts the differing rows beside what chance alone gives over this many rows. */
function familyWiseLines(doc: ReportDocument, judged: RowsBySection): string[] {
  const rows = doc.sections.flatMap((s) => {
    return (judged.get(s) ?? []).flatMap(({ figure, verdict: v }) =>
      (v.kind === 'agrees' || v.kind === 'differs') && v.comparison !== undefined
        ? [
            {
              label: `${s.experiment}: ${figure.label}`,
              comparison: v.comparison,
              differs: v.kind === 'differs',
            },
          ]
        : [],
    );
  });
  const f = familyWise(rows);
  if (f.judged === 0) return [];
  const listed = f.differingRows.map(
    (r) => `${r.label} (p = ${r.p < 0.001 ? r.p.toExponential(1) : r.p.toFixed(3)})`,
  );
  return [
    `**Many rows, some by chance.** ${f.judged} rows are judged against the seeds' noise, each at about the 5% level, so even two identical systems would show about ${f.expectedByChance.toFixed(1)} rows that differ. ${f.differing} differ here${listed.length > 0 ? `: ${listed.join('; ')}` : ''}. After Holm's correction over all ${f.judged} (5% family-wise), ${f.holmSignificant.length === 0 ? 'none remains significant' : `${f.holmSignificant.length} remain${f.holmSignificant.length === 1 ? 's' : ''} significant: ${f.holmSignificant.map((r) => r.label).join('; ')}`}. Each row's verdict stays as judged; this paragraph only says how surprising the differences are together.`,
    '',
  ];
}
