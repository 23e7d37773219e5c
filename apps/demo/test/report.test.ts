// The README's `pnpm demo report` commands (the root script `demo` runs this package's `cli` script,
// `node dist/cli.js`), for real on the two cheapest experiments, into a temporary folder: the markdown, the
// SVG plots and the cache they leave, a second run served from the cache, `--assemble`, `--only` per
// profile, and the usage errors.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { experiments } from '../src/experiments/index.js';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(join(tmpdir(), 'steadygrad-report-'));
const cache = join(out, 'cache');
// The quick runs compare with references of the test's own: the committed summary counts, as the quick
// profile's; none for lr-finder (the committed references grow while the project goes on).
const references = join(out, 'references');
mkdirSync(references);
const keras = JSON.parse(
  readFileSync(join(app, '../../tooling/reference/keras/summary.notebook.json'), 'utf8'),
);
writeFileSync(join(references, 'summary.quick.json'), JSON.stringify({ ...keras, profile: 'quick' }));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function report(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, ['dist/cli.js', 'report', ...args], {
      cwd: app,
      encoding: 'utf8',
      timeout: 300_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

const section = (md: string, name: string) => {
  const start = md.indexOf(`\n## ${name}\n`);
  const end = md.indexOf('\n## ', start + 1);
  return md.slice(start, end < 0 ? undefined : end);
};

describe('pnpm demo report', () => {
  it('--quick --only summary,lr-finder --out DIR: runs both, writes the markdown, the plot and the cache', async () => {
    const r = await report(
      '--quick',
      '--only',
      'summary,lr-finder',
      '--out',
      out,
      '--cache',
      cache,
      '--references',
      references,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/report: summary started \(estimate \d+s\)/);
    expect(r.stderr).toMatch(/report: summary done in \d+s/);
    expect(r.stderr).toMatch(/report: lr-finder done in \d+s/);
    expect(r.stderr).toContain(`report: wrote ${join(out, 'reproduction.md')} and 1 plot`);

    const md = readFileSync(join(out, 'reproduction.md'), 'utf8');
    expect(md.startsWith('# The chapter, reproduced\n')).toBe(true);
    expect(md).toContain('Regenerate with `pnpm demo report --quick`.');
    // Every experiment has its section; those not run say how to run them.
    for (const e of experiments) expect(md).toContain(`\n## ${e.name}\n`);
    expect(section(md, 'bn')).toContain('**No result**: not run yet (`pnpm demo report --quick --only bn`).');
    // The cell 5 model's parameter counts, equal to the notebook's model.summary().
    expect(section(md, 'summary')).toContain(
      '| total parameters (cell 5 model) | 271,346, quick | 271,346 | 271,346 (model.summary() in the notebook) | agrees with Keras 3 exactly |',
    );
    expect(section(md, 'summary')).toContain(
      '| non-trainable parameters (BN moving statistics) | 2,368, quick |',
    );
    const lr = section(md, 'lr-finder');
    expect(lr).toMatch(
      /\| suggested maximum learning rate \| \d\.\d{3}e?-?\d* \(1 seed\), quick \| — \| — \| no Keras 3 reference \(why: above the table\) \|/,
    );
    expect(lr).toContain(
      '![LR finder: training loss while the learning rate grows](reproduction/lr-finder-sweep.svg)',
    );
    expect(md).toContain('2 of 16 experiments have results;');

    const svg = readFileSync(join(out, 'reproduction', 'lr-finder-sweep.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('learning rate (log)');
    expect(svg.match(/class="series"/g)?.length).toBeGreaterThanOrEqual(1);
    expect(readdirSync(join(out, 'reproduction'))).toEqual(['lr-finder-sweep.svg']); // no temporary files left

    // The cache: one entry per experiment, the result of `--json` (no tensor leaked) with its runtime.
    const entries = readdirSync(cache).sort();
    expect(entries.map((f) => f.replace(/\.[0-9a-f]{16}\.json$/, ''))).toEqual([
      'lr-finder.quick',
      'summary.quick',
    ]);
    for (const f of entries) {
      const e = JSON.parse(readFileSync(join(cache, f), 'utf8'));
      expect(e.spec.args).toEqual([]);
      expect(e.seconds).toBeGreaterThan(0);
      if (e.spec.experiment === 'lr-finder') {
        expect(e.result.experiment).toBe('lr-finder');
        expect(e.result.tensorsLeaked).toBe(0);
        expect(e.result.lrs.length).toBe(e.result.losses.length);
      } else {
        expect(e.result.totalParams).toBe(271346);
      }
    }
  });

  it('a second run takes the cached results; --assemble runs nothing', async () => {
    const again = await report('--quick', '--only', 'summary', '--out', out, '--cache', cache);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('report: cached, not rerun (--rerun runs them again): summary');
    expect(again.stderr).not.toContain('started');
    const assembled = await report(
      '--quick',
      '--assemble',
      '--out',
      out,
      '--cache',
      cache,
      '--references',
      references,
    );
    expect(assembled.code, assembled.stderr).toBe(0);
    expect(assembled.stderr).not.toContain('started');
    const md = readFileSync(join(out, 'reproduction.md'), 'utf8');
    expect(md).toContain('2 of 16 experiments have results;');
    // The notebook profile is another cache key: nothing of it has run, and without the fallback nothing shows.
    const strict = await report('--assemble', '--fallback', 'none', '--out', out, '--cache', cache);
    expect(strict.code).toBe(0);
    const none = readFileSync(join(out, 'reproduction.md'), 'utf8');
    expect(none).toContain('0 of 16 experiments have results;');
    expect(none).toContain('Regenerate with `pnpm demo report --fallback none`.');
    expect(section(none, 'summary')).toContain(
      '**No result**: not run yet (`pnpm demo report --fallback none --only summary`).',
    );
  });

  it('a notebook --assemble reports the cached quick runs in their place, saying so (the default fallback)', async () => {
    const r = await report('--assemble', '--out', out, '--cache', cache, '--references', references);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(out, 'reproduction.md'), 'utf8');
    expect(md).toContain('Regenerate with `pnpm demo report`.');
    expect(md).toContain('2 of 16 experiments have results;');
    expect(md).toContain(
      '2 experiments are reported from the **quick** profile instead, because the report’s cache has no notebook-profile result for them: summary, lr-finder.',
    );
    expect(md).toMatch(
      /\| \[summary\]\(#summary\) \| \*\*quick\*\* \(notebook not run: ≈ 5s \(the report’s built-in estimate\)\) \| \d+ s \| 10 \| 0 \| 0 \| 0 \|/,
    );
    expect(md).toContain('| [bn](#bn) | — | not run | | | | |');
    expect(section(md, 'bn')).toContain(
      '**No result**: not run yet (`pnpm demo report --only bn`; or `pnpm demo report --quick --only bn`, whose quick-profile result this report then shows, saying so).',
    );
    const summary = section(md, 'summary');
    expect(summary).toContain('> **Quick profile, not the notebook’s.** No notebook-profile run of it is in');
    expect(summary).toContain('Run: `pnpm demo summary --json --profile quick`, profile quick,');
    // Compared with the quick profile's reference (the test's), not the committed notebook one.
    expect(summary).toContain(`Keras 3 reference: \`tooling/reference/keras/summary.quick.json\``);
    expect(summary).toContain(
      '| total parameters (cell 5 model) | 271,346, quick | 271,346 | 271,346 (model.summary() in the notebook) | agrees with Keras 3 exactly |',
    );
    // lr-finder has no quick reference: its rows say so.
    expect(section(md, 'lr-finder')).toMatch(
      /\| suggested maximum learning rate \| [^|]+, quick \| — \| — \| no Keras 3 reference for the quick profile \(why: above the table\) \|/,
    );
  });

  it('the notebook profile: --only summary', async () => {
    const r = await report('--only', 'summary', '--out', out, '--cache', cache);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(out, 'reproduction.md'), 'utf8');
    expect(md).toContain('Regenerate with `pnpm demo report`.');
    // tooling/reference/keras/summary.notebook.json: Keras 3's own counts of the same model.
    expect(section(md, 'summary')).toContain(
      '| total parameters (cell 5 model) | 271,346, notebook | 271,346 | 271,346 (model.summary() in the notebook) | agrees with Keras 3 exactly |',
    );
    expect(section(md, 'summary')).toContain(
      '| dense: parameters | 235,500, notebook | 235,500 | — | agrees with Keras 3 exactly |',
    );
    expect(section(md, 'summary')).toContain(
      'Keras 3 reference: `tooling/reference/keras/summary.notebook.json`',
    );
  });

  it('an unknown experiment is a usage error with a suggestion; --help prints the usage', async () => {
    const r = await report('--only', 'summary,trasnfer', '--out', out, '--cache', cache);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: --only: unknown experiment 'trasnfer'; did you mean 'transfer'?");
    expect(r.stderr).toMatch(/\n\s+pnpm demo report \[--quick\] \[--only a,b,\.\.\.\]/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const help = await report('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: pnpm demo report \[--quick\]/);
  });
});
