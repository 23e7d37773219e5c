import { describe, expect, it } from 'vitest';
import type { NamedDifference } from './differences.js';
import { namedDifference, noReferenceReason } from './differences.js';
import type { Figure } from './figure.js';
import type { KerasReference } from './keras-reference.js';
import { AGREES, derivedVerdict, verdict } from './verdict.js';

const ref = (metrics: Record<string, (number | null)[]>): KerasReference => ({
  experiment: 'bn',
  profile: 'notebook',
  generatedBy: 'tooling/reference/bn.py',
  metrics: Object.fromEntries(Object.entries(metrics).map(([k, values]) => [k, { values }])),
});
const figure = (id: string, values: number[], extra: Partial<Figure> = {}): Figure => {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { id, label: id, format: 'accuracy', steadygrad: { mean, std, n, values }, ...extra };
};
const table: NamedDifference[] = [
  { experiment: 'bn', metric: 'x.acc', name: 'the x gap', explanation: 'because of y' },
  { experiment: 'bn', metric: 'q.acc', profiles: ['quick'], name: 'quick only', explanation: 'z' },
];

describe('verdict', () => {
  it('agrees when |difference| ≤ 2 standard errors (hand-computed)', () => {
    // ours [1, 2, 3] (mean 2, s 1), Keras [2, 4, 6] (mean 4, s 2): SE = sqrt(5/3) = 1.291, |d| = 2 ≤ 2.582.
    const v = verdict('bn', 'notebook', figure('x.acc', [1, 2, 3]), ref({ 'x.acc': [2, 4, 6] }), {
      differences: table,
    });
    expect(v.kind).toBe('agrees');
    expect(v.text).toBe(AGREES);
  });

  it('names a known difference with its size; an unknown one is said to be unexplained', () => {
    // ours [1, 2, 3] vs Keras [5, 6, 7]: d = −4, SE = sqrt(2/3) = 0.8165, 4.9 standard errors.
    const known = verdict('bn', 'notebook', figure('x.acc', [1, 2, 3]), ref({ 'x.acc': [5, 6, 7] }), {
      differences: table,
    });
    expect(known.kind).toBe('differs');
    expect(known.text).toBe('differs: the x gap (steadygrad − Keras −4.00, 4.9 standard errors)');
    expect(known.kind === 'differs' && known.difference?.explanation).toBe('because of y');
    const unknown = verdict('bn', 'notebook', figure('y.acc', [1, 2, 3]), ref({ 'y.acc': [5, 6, 7] }), {
      differences: table,
    });
    expect(unknown.text).toBe(
      'differs, unexplained (steadygrad − Keras −4.00, 4.9 standard errors; no entry in the report’s differences table)',
    );
    // A difference listed for the quick profile only does not explain a notebook run.
    const other = verdict('bn', 'notebook', figure('q.acc', [1, 2, 3]), ref({ 'q.acc': [5, 6, 7] }), {
      differences: table,
    });
    expect(other.kind === 'differs' && other.difference).toBe(undefined);
  });

  it('one value against several seeds: the 95% Student-t prediction interval (hand-computed)', () => {
    // Keras [1, 2, 3, 4, 5]: mean 3, s² 2.5; s·√(1 + 1/5) = √3; t(0.975, 4) = 2.7764: bound 4.8089.
    const keras = ref({ 'x.acc': [1, 2, 3, 4, 5] });
    expect(verdict('bn', 'notebook', figure('x.acc', [7.8]), keras).text).toBe(
      `${AGREES} (1 steadygrad value within the prediction interval of 5 Keras seeds)`,
    );
    const out = verdict('bn', 'notebook', figure('x.acc', [7.9]), keras, { differences: table });
    expect(out.kind).toBe('differs');
    // 4.9 / √3 = 2.83 prediction standard deviations.
    expect(out.text).toBe(
      'differs: the x gap (steadygrad − Keras +4.90, 2.8 prediction standard deviations, 1 steadygrad value outside the prediction interval of 5 Keras seeds)',
    );
    // Symmetrically: steadygrad [0.86, 0.87, 0.88] (s 0.01; t(0.975, 2) = 4.3027: bound 0.049683) against one Keras value.
    expect(
      verdict('bn', 'notebook', figure('x.acc', [0.86, 0.87, 0.88]), ref({ 'x.acc': [0.919] })).text,
    ).toBe(`${AGREES} (1 Keras value within the prediction interval of 3 steadygrad seeds)`);
    expect(
      verdict('bn', 'notebook', figure('x.acc', [0.86, 0.87, 0.88]), ref({ 'x.acc': [0.92] })).text,
    ).toBe(
      'differs, unexplained (steadygrad − Keras −0.0500, 4.3 prediction standard deviations, 1 Keras value outside the prediction interval of 3 steadygrad seeds; no entry in the report’s differences table)',
    );
  });

  it('rows without a reference say why: no file, or no such metric in it', () => {
    expect(verdict('summary', 'quick', figure('totalParams', [1], { exact: true }), undefined).text).toBe(
      `no reference: ${noReferenceReason('summary', 'quick')}`,
    );
    expect(noReferenceReason('summary', 'quick')).toMatch(/^no training to compare/);
    expect(verdict('lr-finder', 'quick', figure('minLossLr', [0.1]), undefined).text).toBe(
      'no reference: no Keras 3 reference generated yet (tooling/reference/keras/lr-finder.quick.json does not exist)',
    );
    expect(verdict('bn', 'notebook', figure('z.acc', [1, 2]), ref({ 'x.acc': [1, 2] })).text).toBe(
      "no reference: the Keras 3 reference (tooling/reference/bn.py) has no 'z.acc' figure",
    );
  });

  it('null (non-finite) Keras values are left out of its summary; all null is no reference', () => {
    const r: KerasReference = {
      experiment: 'bn',
      profile: 'notebook',
      metrics: { a: { values: [1, null, 2, 3] }, b: { values: [null] } },
    };
    // Keras [1, 2, 3] (mean 2, s 1) against ours [1, 2, 3]: d = 0.
    expect(verdict('bn', 'notebook', figure('a', [1, 2, 3]), r).text).toBe(AGREES);
    expect(verdict('bn', 'notebook', figure('b', [1, 2, 3]), r).text).toBe(
      'no reference: every Keras 3 value of this figure is non-finite',
    );
  });

  it('all-non-finite Keras values against a finite steadygrad value: a named difference when the table has one', () => {
    const r: KerasReference = {
      experiment: 'deep-stats',
      profile: 'notebook',
      metrics: { loss: { values: [null, null] } },
    };
    const differences = [
      { experiment: 'deep-stats', metric: 'loss', name: 'ReLU of NaN', explanation: 'why' },
    ];
    const v = verdict('deep-stats', 'notebook', figure('loss', [2.302586]), r, { differences });
    expect(v.kind).toBe('differs');
    expect(v.text).toBe('differs: ReLU of NaN (every Keras 3 value is non-finite; steadygrad 2.303)');
    expect(v.kind === 'differs' && v.difference?.explanation).toBe('why');
    // Not in the table: still no reference.
    expect(verdict('deep-stats', 'notebook', figure('loss', [2.3]), r, { differences: [] }).kind).toBe(
      'no-reference',
    );
  });

  it('the deep-stats overflow rows are no named difference: non-finite in both systems, they agree', () => {
    for (const m of ['activationStd.last', 'gradientNorm.first', 'gradientNorm.last', 'loss']) {
      const id = `relu + random_normal(stddev=1).${m}`;
      expect(namedDifference('deep-stats', id, 'notebook')).toBeUndefined();
      const overflowed: Figure = { id, label: id, format: 'number', steadygrad: null, nonFinite: true };
      expect(verdict('deep-stats', 'notebook', overflowed, ref({ [id]: [null, null] })).kind).toBe('agrees');
    }
  });

  it('resume against Keras 3 BackupAndRestore: exact rows that differ by the named difference', () => {
    const r: KerasReference = {
      experiment: 'resume',
      profile: 'notebook',
      generatedBy: 'tooling/reference/resume.py',
      metrics: { identical: { values: [0, 0, 0] }, maxAbsDiff: { values: [0.25, 0.5, 0.75] } },
    };
    const name = 'Keras 3’s BackupAndRestore restarts the interrupted epoch from its first batch';
    const identical = verdict('resume', 'notebook', figure('identical', [1], { exact: true }), r);
    expect(identical.text).toBe(`differs: ${name} (steadygrad − Keras +1.00)`);
    expect(identical.kind === 'differs' && identical.difference?.explanation).toMatch(
      /bit-identical on all 10/,
    );
    expect(verdict('resume', 'quick', figure('maxAbsDiff', [0], { exact: true }), r).text).toBe(
      `differs: ${name} (steadygrad − Keras −0.500)`,
    );
    expect(namedDifference('resume', 'interruptedAfterStep', 'notebook')).toBeUndefined();
  });

  it('single seeds cannot be judged; exact figures compare for equality; derived and missing figures say so', () => {
    expect(verdict('bn', 'notebook', figure('x.acc', [0.9]), ref({ 'x.acc': [0.8] })).text).toBe(
      'cannot judge: 1 steadygrad value and 1 Keras value (needs ≥ 2 seeds on a side); difference +0.100',
    );
    expect(verdict('bn', 'notebook', figure('p', [271346], { exact: true }), ref({ p: [271346] })).text).toBe(
      'agrees with Keras 3 exactly',
    );
    expect(verdict('bn', 'notebook', figure('p', [271346], { exact: true }), ref({ p: [271345] })).text).toBe(
      'differs, unexplained (steadygrad − Keras +1.00; no entry in the report’s differences table)',
    );
    expect(
      verdict('bn', 'notebook', figure('e', [0.5], { derivedFrom: ['a', 'b'] }), ref({ e: [0.4] })).text,
    ).toBe('derived from a and b: judged on those rows');
    const meanOnly: Figure = {
      id: 'l',
      label: 'l',
      format: 'number',
      steadygrad: { mean: 0.3, std: Number.NaN, n: 3, meanOnly: true },
    };
    expect(verdict('bn', 'notebook', meanOnly, ref({ l: [0.3, 0.31] })).text).toBe(
      'cannot judge: the result gives only the mean over its 3 seeds, not each seed’s value',
    );
    const missing: Figure = { id: 'm', label: 'm', format: 'accuracy', steadygrad: null };
    expect(verdict('bn', 'notebook', missing, ref({ m: [1] })).kind).toBe('missing');
    expect(verdict('bn', 'notebook', missing, ref({ m: [1] })).text).toBe(
      "not in this result (no 'm' figure in the experiment’s JSON)",
    );
    expect(
      verdict('bn', 'notebook', { ...missing, missingReason: 'null: diverged' }, ref({ m: [1] })).text,
    ).toBe('null: diverged');
  });

  it('a non-finite steadygrad figure agrees with non-finite Keras 3 seeds and differs from finite ones', () => {
    const diverged: Figure = {
      id: 'none.testLoss',
      label: 'l',
      format: 'number',
      steadygrad: null,
      nonFinite: true,
    };
    const all = verdict('clipping', 'notebook', diverged, ref({ 'none.testLoss': [null, null, null] }));
    expect(all).toEqual({
      kind: 'agrees',
      text: 'agrees with Keras 3: not finite in both (every one of the 3 Keras 3 seeds too)',
    });
    const some = verdict('clipping', 'notebook', diverged, ref({ 'none.testLoss': [null, 1.5, null, null] }));
    expect(some.kind).toBe('agrees');
    expect(some.text).toBe('agrees with Keras 3 within noise: not finite, as in 3 of the 4 Keras 3 seeds');
    const none = verdict('clipping', 'notebook', diverged, ref({ 'none.testLoss': [1.5, 1.6] }));
    expect(none.kind).toBe('differs');
    expect(none.text).toBe(
      'differs, unexplained (steadygrad not finite, every one of the 2 Keras 3 seeds finite; no entry in the report’s differences table)',
    );
    const named = verdict('bn', 'notebook', { ...diverged, id: 'x.acc' }, ref({ 'x.acc': [0.5, 0.6] }), {
      differences: table,
    });
    expect(named.text).toBe(
      'differs: the x gap (steadygrad not finite, every one of the 2 Keras 3 seeds finite)',
    );
    // no such Keras metric: still "missing", with the reason
    expect(
      verdict('clipping', 'notebook', { ...diverged, missingReason: 'null: diverged' }, ref({ other: [1] }))
        .text,
    ).toBe('null: diverged');
  });

  it('a derived figure agrees when every row it is derived from agrees, and stays "judged on those rows" otherwise', () => {
    const own = verdict('bn', 'notebook', figure('e', [0.5], { derivedFrom: ['a', 'b'] }), ref({ e: [0.4] }));
    const agree = verdict('bn', 'notebook', figure('a', [0.5, 0.6]), ref({ a: [0.5, 0.6] }));
    const differ = verdict('bn', 'notebook', figure('b', [0.5, 0.51]), ref({ b: [0.9, 0.91] }));
    expect(agree.kind).toBe('agrees');
    expect(differ.kind).toBe('differs');
    expect(derivedVerdict(own, [agree, agree], ['a', 'b'])).toEqual({
      kind: 'agrees',
      text: `${AGREES} (derived from a and b, which agree)`,
    });
    expect(derivedVerdict(own, [agree, differ], ['a', 'b'])).toBe(own);
    expect(derivedVerdict(own, [agree, undefined], ['a', 'b'])).toBe(own);
    expect(derivedVerdict(agree, [agree], ['a'])).toBe(agree);
  });
});
