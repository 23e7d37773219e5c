import { describe, expect, it } from 'vitest';
import type { CacheEntry } from './cache.js';
import type { KerasReference } from './keras-reference.js';
import {
  cell,
  formatSummary,
  METHOD,
  type ReportDocument,
  type ReportSection,
  reportMarkdown,
} from './markdown.js';

// A bn result in the shape of `pnpm demo bn --json` with per-seed values (as the notebook profile reports them).
const bnResult = {
  experiment: 'bn',
  backend: 'wasm',
  profile: 'notebook',
  notebookDifferences: [],
  seeds: [42, 43, 44],
  results: [
    {
      variant: 'plain',
      testAccuracy: { mean: 0.87, std: 0.01, values: [0.86, 0.87, 0.88] },
      valAccuracy: [0.8, 0.85],
      trainLoss: [0.5, 0.4],
    },
    {
      variant: 'bn-after-activation',
      testAccuracy: { mean: 0.88, std: 0.0027, values: [0.8772, 0.88, 0.8828] },
      valAccuracy: [0.81, 0.86],
      trainLoss: [0.45, 0.35],
    },
  ],
};
const comparisons = [
  { statement: 'bn-after-activation − plain test accuracy: +0.0100 (Welch t = 1.2): not significant' },
];
const entry = (
  experiment: string,
  result: unknown,
  profile: 'notebook' | 'quick' = 'notebook',
): CacheEntry => ({
  spec: { experiment, profile, args: [] },
  result,
  seconds: 61.4,
  finishedAt: '2026-12-07T23:00:00.000Z',
  commit: 'abcdef0123456789',
});
const bnReference: KerasReference = {
  experiment: 'bn',
  profile: 'notebook',
  generatedBy: 'tooling/reference/bn.py',
  generated: '2026-12-07T23:40:00Z',
  versions: { keras: '3.15.1', tensorflow: '2.21.0' },
  machine: { cpu: 'EPYC', cores: 2, threads: 1 },
  metrics: {
    'plain.testAccuracy': { values: [0.865, 0.875, 0.87] },
    'bn-after-activation.testAccuracy': { values: [0.8711, 0.8726, 0.8741] },
  },
};
const doc = (sections: ReportDocument['sections']): ReportDocument => ({
  profile: 'notebook',
  command: 'pnpm demo report',
  generated: '2026-12-08T00:00:00.000Z',
  sections,
  tables: {
    differences: [
      {
        experiment: 'bn',
        metric: 'bn-after-activation.testAccuracy',
        name: 'cell 5 gap',
        explanation: 'under bisection.',
      },
    ],
  },
});
const row = (md: string, label: string) => md.split('\n').find((l) => l.startsWith(`| ${label} |`));

describe('report markdown', () => {
  it('tabulates steadygrad against the Keras 3 reference with verdicts, and explains a named difference', () => {
    const md = reportMarkdown(
      doc([
        {
          experiment: 'bn',
          description: 'batch normalization',
          entry: entry('bn', { ...bnResult, comparisons }),
          reference: bnReference,
        },
      ]),
    );
    // plain: ours 0.87 ± 0.01 vs Keras 0.87 ± 0.005: d = 0 → agrees.
    expect(row(md, 'plain: test accuracy')).toBe(
      '| plain: test accuracy | 0.8700 ± 0.0100 (3 seeds), notebook | 0.8700 ± 0.0050 (3 seeds) | — | agrees with Keras 3 within noise |',
    );
    // BN after: 0.88 ± 0.0028 vs 0.8726 ± 0.0015: SE = sqrt(0.0028²/3 + 0.0015²/3) = 0.001833, d = 0.0074 = 4.0 SE.
    expect(row(md, 'bn-after-activation: test accuracy')).toBe(
      '| bn-after-activation: test accuracy | 0.8800 ± 0.0028 (3 seeds), notebook | 0.8726 ± 0.0015 (3 seeds) | — | differs: cell 5 gap (steadygrad − Keras +0.00740, 4.0 standard errors) |',
    );
    expect(md).toContain('- **cell 5 gap**: under bisection.');
    expect(md).toContain(
      'Between variants (steadygrad, Welch over the seeds):\n\n- bn-after-activation − plain test accuracy: +0.0100 (Welch t = 1.2): not significant\n',
    );
    expect(md).toContain("Settings: the notebook's (no difference).");
    expect(row(md, 'plain: training loss, last epoch')).toBe(
      "| plain: training loss, last epoch | 0.4000 (mean of 3 seeds), notebook | — | — | no reference: the Keras 3 reference (tooling/reference/bn.py) has no 'plain.finalTrainLoss' figure |",
    );
    expect(md).toContain('| [bn](#bn) | notebook | 61 s | 1 | 1 | 2 | 0 |');
    expect(md).not.toContain('Quick profile, not the notebook’s');
    expect(md).toContain(
      'Keras 3 reference: `tooling/reference/keras/bn.notebook.json` (tooling/reference/bn.py, 2026-12-07T23:40:00Z; keras 3.15.1, tensorflow 2.21.0; machine: EPYC, 2, 1).',
    );
    expect(md).toContain(
      'Run: `pnpm demo bn --json --profile notebook`, profile notebook, 61 s, finished 2026-12-07T23:00:00.000Z on commit abcdef0123, wasm backend.',
    );
    expect(md).toContain('1 of 1 experiments have results; 1 figures agree with Keras 3, 1 differ');
    // Welch t = 4.04 on df 3.06: p ≈ 0.03, above Holm's 0.05/2 for the smaller of 2 p-values.
    expect(md).toMatch(
      /\*\*Many rows, some by chance\.\*\* 2 rows are judged against the seeds' noise, each at about the 5% level, so even two identical systems would show about 0\.1 rows that differ\. 1 differ here: bn: bn-after-activation: test accuracy \(p = 0\.0[23]\d\)\. After Holm's correction over all 2 \(5% family-wise\), none remains significant\./,
    );
    expect(md).toContain(`\n${METHOD}\n`);
    expect(METHOD).toContain(
      '|x − m| ≤ t·s·√(1 + 1/n), t being Student’s two-sided 95% quantile for n − 1 degrees of freedom',
    );
  });

  it('without a reference every row says why; settings that differ and published figures are shown', () => {
    const mlp = {
      experiment: 'mlp',
      profile: 'quick',
      testAccuracy: 0.8512,
      testLoss: 0.41,
      published: { testAccuracy: 0.8864 },
      notebookDifferences: [{ setting: 'epochs', notebook: 30, used: 5 }],
    };
    const md = reportMarkdown(
      doc([{ experiment: 'mlp', description: 'the baseline', entry: entry('mlp', mlp, 'quick') }]),
    );
    expect(row(md, 'test accuracy')).toBe(
      '| test accuracy | 0.8512 (1 seed), quick | — | 0.8864 (Géron, one seed, 30 epochs) | no Keras 3 reference (why: above the table) |',
    );
    expect(md).toContain(
      'Keras 3 reference: none — no Keras 3 reference generated yet (tooling/reference/keras/mlp.quick.json does not exist).',
    );
    expect(md).toContain('Settings that differ from the notebook: epochs 5 (notebook: 30).');
  });

  it('an experiment without a result says why; exact figures print as integers', () => {
    const md = reportMarkdown(
      doc([
        {
          experiment: 'transfer',
          description: 'transfer learning',
          error: 'not run yet (`pnpm demo report --only transfer`)',
        },
        {
          experiment: 'summary',
          description: 'the cell 5 model summary',
          entry: entry('summary', { totalParams: 271346, trainableParams: 268978, nonTrainableParams: 2368 }),
        },
      ]),
    );
    expect(md).toContain('**No result**: not run yet (`pnpm demo report --only transfer`).');
    expect(row(md, 'total parameters (cell 5 model)')).toMatch(
      /^\| total parameters \(cell 5 model\) \| 271,346, notebook \| — \| 271,346 \(model.summary\(\) in the notebook\) \| no Keras 3 reference \(why: above the table\) \|$/,
    );
    expect(md).toContain('Settings against the notebook: not reported by this result.');
    expect(md).toContain(
      'Keras 3 reference: none — no training to compare: the published column is Keras’s own model.summary()',
    );
  });

  it('a derived figure is computed from the means, not a seed', () => {
    const transfer = {
      profile: 'notebook',
      taskB: {
        scratch: { mean: 0.98, std: 0.004, values: [0.976, 0.98, 0.984] },
        transfer: { mean: 0.99, std: 0, values: [0.99, 0.99, 0.99] },
      },
      errorRateReduction: 0.5,
    };
    const md = reportMarkdown(
      doc([{ experiment: 'transfer', description: 't', entry: entry('transfer', transfer) }]),
    );
    expect(row(md, 'error rate removed by transfer')).toBe(
      '| error rate removed by transfer | 0.5000 (from the means), notebook | — | — | no Keras 3 reference (why: above the table) |',
    );
    // With a reference whose two arms agree, the derived row agrees through them.
    const reference: KerasReference = {
      experiment: 'transfer',
      profile: 'notebook',
      metrics: {
        'scratch.testAccuracy': { values: [0.975, 0.98, 0.985] },
        'transfer.testAccuracy': { values: [0.985, 0.99, 0.995] },
        errorRateReduction: { values: [0.5] },
      },
    };
    const judged = reportMarkdown(
      doc([{ experiment: 'transfer', description: 't', entry: entry('transfer', transfer), reference }]),
    );
    expect(row(judged, 'error rate removed by transfer')).toBe(
      '| error rate removed by transfer | 0.5000 (from the means), notebook | 0.5000 (1 seed) | — | agrees with Keras 3 within noise (derived from scratch.testAccuracy and transfer.testAccuracy, which agree) |',
    );
  });

  it('a figure that is not finite in both systems says so in both cells and agrees', () => {
    const clipping = {
      profile: 'notebook',
      results: [{ clipping: 'none', diverged: true, testLoss: null }],
    };
    const reference: KerasReference = {
      experiment: 'clipping',
      profile: 'notebook',
      metrics: { 'none.diverged': { values: [1, 1, 1] }, 'none.testLoss': { values: [null, null, null] } },
    };
    const md = reportMarkdown(
      doc([{ experiment: 'clipping', description: 'c', entry: entry('clipping', clipping), reference }]),
    );
    expect(row(md, 'none: test MSE')).toBe(
      '| none: test MSE | not finite, notebook | not finite (3 seeds) | — | agrees with Keras 3: not finite in both (every one of the 3 Keras 3 seeds too) |',
    );
    expect(row(md, 'none: diverged (1 = yes)')).toBe(
      '| none: diverged (1 = yes) | yes, notebook | yes | — | agrees with Keras 3 exactly |',
    );
  });

  it('a quick run standing in for a notebook one says so: note, overview, quick reference only', () => {
    const mlp = {
      experiment: 'mlp',
      profile: 'quick',
      testAccuracy: 0.8512,
      testLoss: 0.41,
      published: { testAccuracy: 0.8864 },
      notebookDifferences: [
        { setting: 'epochs', notebook: 30, used: 5 },
        { setting: 'seeds', notebook: 3, used: 1 },
      ],
    };
    const quickRef: KerasReference = {
      experiment: 'bn',
      profile: 'quick',
      generatedBy: 'tooling/reference/bn.py',
      metrics: { 'plain.testAccuracy': { values: [0.865, 0.875, 0.87] } },
    };
    // mlp stands in with its quick run, alone or next to bn.
    const mlpStandIn: ReportSection = {
      experiment: 'mlp',
      description: 'the baseline',
      entry: entry('mlp', mlp, 'quick'),
      fallback: { profile: 'quick', notebookEstimate: 1800, estimateFrom: 'built-in' },
    };
    const md = reportMarkdown(
      doc([
        mlpStandIn,
        {
          experiment: 'bn',
          description: 'batch normalization',
          entry: entry('bn', { ...bnResult, profile: 'quick' }, 'quick'),
          reference: quickRef,
          fallback: {
            profile: 'quick',
            notebookEstimate: 600,
            estimateFrom: 'cache',
            failed: 'exited with code 1',
          },
        },
      ]),
    );
    expect(md).toContain(
      "2 experiments are reported from the **quick** profile instead, because the report’s cache has no notebook-profile result for them: mlp, bn. The overview's profile column and each of their sections say so, list the settings that differ from the notebook, and compare them only with the Keras 3 reference of the quick profile.",
    );
    const one = reportMarkdown(doc([mlpStandIn]));
    expect(one).toContain(
      "One experiment is reported from the **quick** profile instead, because the report’s cache has no notebook-profile result for it: mlp. The overview's profile column and its section say so, list the settings that differ from the notebook, and compare it only with the Keras 3 reference of the quick profile.",
    );
    expect(md).toContain(
      '| [mlp](#mlp) | **quick** (notebook not run: ≈ 30m00s (the report’s built-in estimate)) | 61 s | 0 | 0 | 2 | 0 |',
    );
    expect(md).toContain('| [bn](#bn) | **quick** (notebook run failed) | 61 s |');
    expect(md).toContain(
      '> **Quick profile, not the notebook’s.** No notebook-profile run of it is in the report’s cache: that run takes ≈ 30m00s (the report’s built-in estimate), so this section reports its cached **quick**-profile run instead. The settings that differ from the notebook are listed below, and its figures are compared only with the Keras 3 reference of the quick profile (`tooling/reference/keras/mlp.quick.json`), never with the notebook profile’s. `pnpm demo report --only mlp` runs the notebook profile.',
    );
    expect(md).toContain(
      '> **Quick profile, not the notebook’s.** Its notebook-profile run failed (exited with code 1), so',
    );
    expect(md).toContain(
      'Settings that differ from the notebook: epochs 5 (notebook: 30); seeds 1 (notebook: 3).',
    );
    expect(md).toContain(
      'Keras 3 reference: none — no Keras 3 reference generated yet (tooling/reference/keras/mlp.quick.json does not exist); the notebook profile’s reference is not compared with a quick-profile run.',
    );
    expect(row(md, 'test accuracy')).toBe(
      '| test accuracy | 0.8512 (1 seed), quick | — | 0.8864 (Géron, one seed, 30 epochs) | no Keras 3 reference for the quick profile (why: above the table) |',
    );
    // bn is judged against the quick reference (plain: 0.87 ± 0.01 vs 0.87 ± 0.005 → agrees).
    expect(md).toContain('Keras 3 reference: `tooling/reference/keras/bn.quick.json`');
    expect(row(md, 'plain: test accuracy')).toBe(
      '| plain: test accuracy | 0.8700 ± 0.0100 (3 seeds), quick | 0.8700 ± 0.0050 (3 seeds) | — | agrees with Keras 3 within noise |',
    );
  });

  it('escapes table cells and formats summaries', () => {
    expect(cell('a | b\nc')).toBe('a \\| b c');
    expect(formatSummary({ mean: 0.5, std: 0.01, n: 4 }, 'accuracy')).toBe('0.5000 ± 0.0100 (4 seeds)');
    expect(formatSummary({ mean: 1e-5, std: 0, n: 1 }, 'number')).toBe('1.000e-5 (1 seed)');
    expect(formatSummary({ mean: 0.25, std: Number.NaN, n: 3, meanOnly: true } as never, 'number')).toBe(
      '0.2500 (mean of 3 seeds)',
    );
  });
});
