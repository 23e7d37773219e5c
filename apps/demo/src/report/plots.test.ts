import { describe, expect, it } from 'vitest';
import type { KerasReference } from './keras-reference.js';
import { experimentPlots } from './plots.js';

describe('report plots', () => {
  it('bn: a validation curve per variant, with the Keras 3 curves dashed in the same colour', () => {
    const ref: KerasReference = {
      experiment: 'bn',
      profile: 'quick',
      metrics: {},
      curves: {
        'bn.valAccuracy': { x: [1, 2], series: { 'bn-before-activation': [0.8, 0.84], plain: [0.79, 0.83] } },
      },
    };
    const result = {
      results: [
        { variant: 'plain', valAccuracy: [0.8, 0.85] },
        { variant: 'bn-before-activation', valAccuracy: [0.81, 0.86] },
      ],
    };
    const [plot, ...rest] = experimentPlots('bn', result, ref);
    expect(rest).toEqual([]);
    expect(plot?.name).toBe('bn-val-accuracy');
    expect(plot?.chart.series.map((s) => [s.label, s.colour, s.dashed ?? false, s.x, s.y])).toEqual([
      ['steadygrad: plain', 0, false, [1, 2], [0.8, 0.85]],
      ['steadygrad: bn-before-activation', 1, false, [1, 2], [0.81, 0.86]],
      ['Keras 3: bn-before-activation', 1, true, [1, 2], [0.8, 0.84]],
      ['Keras 3: plain', 0, true, [1, 2], [0.79, 0.83]],
    ]);
  });

  it('mlp: accuracy and loss learning curves from the history', () => {
    const plots = experimentPlots('mlp', {
      history: { accuracy: [0.7, 0.8], val_accuracy: [0.75, 0.82], loss: [0.9, 0.5], val_loss: [0.7, 0.5] },
    });
    expect(plots.map((p) => [p.name, p.chart.series.map((s) => s.label)])).toEqual([
      ['mlp-accuracy', ['steadygrad: accuracy', 'steadygrad: val_accuracy']],
      ['mlp-loss', ['steadygrad: loss', 'steadygrad: val_loss']],
    ]);
  });

  it('deep-stats: activation and gradient profiles per layer, log scale', () => {
    const pairs = [
      {
        activation: 'sigmoid',
        initializer: 'glorot_uniform',
        activationStd: [0.2, 0.1, 0.05],
        gradientNorm: [1e-6, 1e-3, 1],
      },
      {
        activation: 'selu',
        initializer: 'lecun_normal',
        activationStd: [1, 1, 1],
        gradientNorm: [0.1, 0.1, 0.1],
      },
    ];
    const plots = experimentPlots('deep-stats', { pairs });
    expect(plots.map((p) => [p.name, p.chart.logY, p.chart.series.map((s) => s.label)])).toEqual([
      [
        'deep-stats-activation-std',
        true,
        ['steadygrad: sigmoid + glorot_uniform', 'steadygrad: selu + lecun_normal'],
      ],
      [
        'deep-stats-gradient-norm',
        true,
        ['steadygrad: sigmoid + glorot_uniform', 'steadygrad: selu + lecun_normal'],
      ],
    ]);
    expect(plots[1]?.chart.series[0]?.y).toEqual([1e-6, 1e-3, 1]);
    expect(plots[1]?.chart.series[0]?.x).toEqual([1, 2, 3]);
  });

  it('deep-stats: the Keras 3 profiles dashed beside them; nulls (overflow) break the line', () => {
    const pairs = [
      { activation: 'relu', initializer: 'he_normal', activationStd: [1, null, 2], gradientNorm: [1, 1, 1] },
    ];
    const ref: KerasReference = {
      experiment: 'deep-stats',
      profile: 'notebook',
      metrics: {},
      curves: {
        'deep-stats.activationStd': {
          x: [1, 2, 3],
          series: { 'relu + he_normal': [1, 1.1, null], 'selu + lecun_normal': [1, 1, 1] },
        },
      },
    };
    const [std, grad] = experimentPlots('deep-stats', { pairs }, ref);
    expect(std?.chart.series.map((s) => [s.label, s.colour, s.dashed ?? false, s.y])).toEqual([
      ['steadygrad: relu + he_normal', 0, false, [1, Number.NaN, 2]],
      ['Keras 3: relu + he_normal', 0, true, [1, 1.1, Number.NaN]],
      ['Keras 3: selu + lecun_normal', 1, true, [1, 1, 1]],
    ]);
    expect(grad?.chart.series).toHaveLength(1); // no Keras gradient curve in this reference
  });

  it('schedules’ LR curves, the LR finder’s sweep on a log x axis, MC-dropout uncertainty with ± bands', () => {
    const [lr] = experimentPlots('schedules', { results: [{ schedule: 'power', lrCurve: [0.01, 0.005] }] });
    expect([lr?.name, lr?.chart.series[0]?.y]).toEqual(['schedules-lr', [0.01, 0.005]]);
    const [sweep] = experimentPlots('lr-finder', { lrs: [1e-5, 1e-4, 1e-3], losses: [2.3, 2.1, 9] });
    expect([sweep?.name, sweep?.chart.logX, sweep?.chart.series[0]?.x]).toEqual([
      'lr-finder-sweep',
      true,
      [1e-5, 1e-4, 1e-3],
    ]);
    const images = [
      {
        index: 0,
        labelName: 'Ankle boot',
        predicted: 9,
        top: [{ classIndex: 9, deterministic: 0.99, mean: 0.95, std: 0.04 }],
      },
      {
        index: 1,
        labelName: 'Pullover',
        predicted: 4,
        top: [
          { classIndex: 2, mean: 0.4, std: 0.2 },
          { classIndex: 4, deterministic: 0.6, mean: 0.5, std: 0.3 },
        ],
      },
    ];
    const [mc] = experimentPlots('mc-dropout', { images });
    expect(mc?.chart.xCategories).toEqual(['#0 Ankle boot', '#1 Pullover']);
    expect(mc?.chart.series.map((s) => [s.y, s.band])).toEqual([
      [
        [0.95, 0.5],
        [0.04, 0.3],
      ],
      [[0.99, 0.6], undefined],
    ]);
  });

  it('the LR finder’s sweep with the Keras 3 loss dashed (its nulls past divergence break the line)', () => {
    const ref: KerasReference = {
      experiment: 'lr-finder',
      profile: 'notebook',
      metrics: {},
      curves: {
        'lr-finder.loss': {
          x: [1e-5, 1e-4, 1e-3],
          series: { loss: [2.3, 2, null], smoothed: [2.3, 2.1, null] },
        },
      },
    };
    const [sweep] = experimentPlots('lr-finder', { lrs: [1e-5, 1e-4, 1e-3], losses: [2.3, 2.1, 9] }, ref);
    expect(sweep?.chart.series.map((s) => [s.label, s.dashed ?? false, s.y])).toEqual([
      ['steadygrad: loss', false, [2.3, 2.1, 9]],
      ['Keras 3: loss', true, [2.3, 2, Number.NaN]],
    ]);
  });

  it('a result without the data yields no plot', () => {
    expect(experimentPlots('lr-finder', { lrs: [1, 2], losses: [1] })).toEqual([]);
    expect(experimentPlots('deep-stats', {})).toEqual([]);
    expect(experimentPlots('resume', { identical: true })).toEqual([]);
  });
});
