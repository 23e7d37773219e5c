// `pnpm demo report`: runs the selected experiments (each a child process of the demo CLI, cached by
// experiment + profile + flags; a cached run is reused unless --rerun), then writes the report from the cache —
// docs/reproduction.md and its plots under docs/reproduction/ — atomically. `--assemble` runs nothing.
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@steadygrad/core/node';
import { experiments } from '../experiments/index.js';
import { type CacheEntry, cachedSeconds, type RunSpec, readCached, writeCached } from './cache.js';
import { type ProfileFallback, quickStandIn } from './fallback.js';
import { readKerasReference } from './keras-reference.js';
import { type ReportSection, reportMarkdown } from './markdown.js';
import { experimentPlots } from './plots.js';
import { BUILT_IN_ESTIMATES, Progress, type ProgressItem } from './progress.js';
import { parseReportArgs, REPORT_USAGE, type ReportOptions, repositoryRoot } from './report-args.js';
import { runExperiment, runPool } from './runner.js';
import { lineChartSvg } from './svg-chart.js';

/** The CLI flags a report run passes to every experiment besides `--json --profile P`. */
export function runArgs(options: Pick<ReportOptions, 'seeds' | 'backend'>): string[] {
  return [
    ...(options.seeds !== undefined ? ['--seeds', String(options.seeds)] : []),
    ...(options.backend !== undefined ? ['--backend', options.backend] : []),
  ];
}

/** The command line that reproduces a report written with `options` (for its header). */
export function reportCommand(
  options: Pick<ReportOptions, 'profile' | 'seeds' | 'backend'> & Partial<Pick<ReportOptions, 'fallback'>>,
): string {
  return [
    'pnpm demo report',
    options.profile === 'quick' ? '--quick' : '',
    options.profile === 'notebook' && options.fallback === 'none' ? '--fallback none' : '',
    ...runArgs(options),
  ]
    .filter((s) => s !== '')
    .join(' ');
}

function currentCommit(): string | undefined {
  try {
    const root = repositoryRoot();
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: root,
      encoding: 'utf8',
    });
    return dirty.trim() === '' ? head : `${head}-dirty`;
  } catch {
    return undefined;
  }
}

/** What {@link runReport} did. */
export interface ReportOutcome {
  /** Experiments run now, and those taken from the cache. */
  readonly ran: readonly string[];
  readonly cached: readonly string[];
  readonly failed: readonly { readonly experiment: string; readonly error: string }[];
  /** The files written. */
  readonly files: readonly string[];
}

/** Hooks of {@link runReport} (tests: a stand-in CLI, a captured progress display). */
export interface ReportHooks {
  readonly cli?: string;
  readonly write?: (text: string) => void;
  readonly tty?: boolean;
}

/** Runs what `options` select (unless `assemble`), then writes the report and its plots. */
export async function runReport(options: ReportOptions, hooks: ReportHooks = {}): Promise<ReportOutcome> {
  const spec = (experiment: string): RunSpec => ({
    experiment,
    profile: options.profile,
    args: runArgs(options),
  });
  const write = hooks.write ?? ((t: string) => process.stderr.write(t));
  const ran: string[] = [];
  const cached: string[] = [];
  const failed: { experiment: string; error: string }[] = [];
  const errors = new Map<string, string>();
  if (!options.assemble) {
    const todo: string[] = [];
    for (const name of options.only) {
      if (!options.rerun && (await readCached(options.cache, spec(name))) !== undefined) cached.push(name);
      else todo.push(name);
    }
    if (cached.length > 0)
      write(`report: cached, not rerun (--rerun runs them again): ${cached.join(', ')}\n`);
    const items: ProgressItem[] = [];
    for (const name of todo) {
      const [latest] = await cachedSeconds(options.cache, name, options.profile);
      items.push(
        latest !== undefined
          ? { experiment: name, estimate: latest, estimateFrom: 'cache' }
          : {
              experiment: name,
              estimate: BUILT_IN_ESTIMATES[name]?.[options.profile] ?? 300,
              estimateFrom: 'built-in',
            },
      );
    }
    const progress = new Progress(items, options.jobs, write, hooks.tty ?? process.stderr.isTTY === true);
    const commit = currentCommit();
    try {
      await runPool(
        todo.map((name) => async () => {
          progress.start(name);
          const outcome = await runExperiment(spec(name), {
            ...(hooks.cli !== undefined ? { cli: hooks.cli } : {}),
            extraArgs: options.threads !== undefined ? ['--threads', String(options.threads)] : [],
          });
          if (outcome.ok) {
            const entry: CacheEntry = {
              spec: spec(name),
              result: outcome.result,
              seconds: outcome.seconds,
              finishedAt: new Date().toISOString(),
              ...(commit !== undefined ? { commit } : {}),
            };
            await writeCached(options.cache, entry);
            ran.push(name);
            progress.finish(name, outcome.seconds);
          } else {
            failed.push({ experiment: name, error: outcome.error });
            errors.set(name, `the last run failed: ${outcome.error}`);
            progress.finish(name, outcome.seconds, outcome.error);
          }
        }),
        options.jobs,
      );
    } finally {
      progress.close();
    }
  }
  const files = await writeReport(options, errors);
  write(`report: wrote ${files[0]} and ${files.length - 1} plot${files.length === 2 ? '' : 's'}\n`);
  return { ran, cached, failed, files };
}

/**
 * What a section without a result says: the command that runs it, and in a notebook report with the fallback
 * on, the quick-profile command whose result the report would show instead.
 */
export function notRunYet(experiment: string, options: ReportOptions): string {
  const run = `\`${reportCommand(options)} --only ${experiment}\``;
  if (options.profile !== 'notebook' || options.fallback !== 'quick') return `not run yet (${run})`;
  const quick = `\`${reportCommand({ ...options, profile: 'quick' })} --only ${experiment}\``;
  return `not run yet (${run}; or ${quick}, whose quick-profile result this report then shows, saying so)`;
}

/**
 * Writes `<out>/reproduction.md` and `<out>/reproduction/<plot>.svg` from the cache (every experiment; one
 * not in the cache says so, or — a notebook report with `fallback: 'quick'` — is reported from its cached
 * quick-profile run, saying so), each file atomically. Returns the files, the markdown first.
 */
export async function writeReport(
  options: ReportOptions,
  errors: ReadonlyMap<string, string> = new Map(),
): Promise<string[]> {
  const plotDir = join(options.out, 'reproduction');
  await mkdir(plotDir, { recursive: true });
  const files: string[] = [];
  const sections: ReportSection[] = [];
  for (const e of experiments) {
    const spec: RunSpec = { experiment: e.name, profile: options.profile, args: runArgs(options) };
    let entry = await readCached(options.cache, spec);
    let fallback: ProfileFallback | undefined;
    if (entry === undefined && options.profile === 'notebook' && options.fallback === 'quick') {
      const standIn = await quickStandIn(options.cache, spec, errors.get(e.name));
      if (standIn) ({ entry, fallback } = standIn);
    }
    // A quick run stands in for a notebook one: compared with the quick profile's reference only.
    const reference = await readKerasReference(
      options.references,
      e.name,
      fallback?.profile ?? options.profile,
    );
    const plots = entry ? experimentPlots(e.name, entry.result, reference) : [];
    for (const p of plots) {
      const file = join(plotDir, `${p.name}.svg`);
      await writeFileAtomic(file, lineChartSvg(p.chart));
      files.push(file);
    }
    sections.push({
      experiment: e.name,
      description: e.description,
      ...(entry ? { entry } : { error: errors.get(e.name) ?? notRunYet(e.name, options) }),
      ...(reference ? { reference } : {}),
      ...(fallback ? { fallback } : {}),
      plots: plots.map((p) => ({ file: `reproduction/${p.name}.svg`, title: p.chart.title })),
    });
  }
  const markdown = reportMarkdown({
    profile: options.profile,
    command: reportCommand(options),
    generated: new Date().toISOString(),
    sections,
  });
  const md = join(options.out, 'reproduction.md');
  await writeFileAtomic(md, markdown);
  return [md, ...files];
}

/** `pnpm demo report ...` (argv after `report`): exit code 0, or 1 when an experiment failed. */
export async function reportMain(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(REPORT_USAGE);
    return 0;
  }
  const options = parseReportArgs(
    argv,
    experiments.map((e) => e.name),
  );
  const outcome = await runReport(options);
  return outcome.failed.length > 0 ? 1 : 0;
}
