// The report's plots, built from the experiments' JSON results (and the Keras 3 references' curves, drawn
// dashed in the same colour): learning curves, the deep-stats activation and gradient profiles, the
// schedules' learning-rate curves, the LR finder's sweep, the MC-dropout uncertainty. Each plot is a
// LineChart (svg-chart.ts) with a file name; a result without the data a plot needs yields no plot.
import { at, list } from './figure.js';
import type { KerasReference } from './keras-reference.js';
import type { LineChart, LineSeries } from './svg-chart.js';

/** One plot of the report: `<name>.svg` under docs/reproduction/. */
export interface Plot {
  readonly name: string;
  readonly chart: LineChart;
}

const numbers = (v: unknown): number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : [];
/** JSON nulls (non-finite values) as NaN: the chart breaks the line there. */
const finite = (v: readonly (number | null)[]): number[] => v.map((x) => (x === null ? Number.NaN : x));
const epochs = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Keras curve `id` as dashed series, coloured like steadygrad's series of the same label. */
function kerasSeries(
  ref: KerasReference | undefined,
  id: string,
  colourOf: (label: string) => number,
): LineSeries[] {
  const curve = ref?.curves?.[id];
  if (!curve) return [];
  return Object.entries(curve.series).map(([label, y]) => ({
    label: `Keras 3: ${label}`,
    x: curve.x,
    y: finite(y),
    dashed: true,
    colour: colourOf(label),
  }));
}

function learningCurves(experiment: string, r: unknown, ref: KerasReference | undefined): Plot[] {
  const plots: Plot[] = [];
  if (experiment === 'mlp') {
    const h = at(r, 'history');
    for (const [metric, keys, curveIds] of [
      ['accuracy', ['accuracy', 'val_accuracy'], ['mlp.accuracy', 'mlp.valAccuracy']],
      ['loss', ['loss', 'val_loss'], ['mlp.loss', 'mlp.valLoss']],
    ] as const) {
      const series: LineSeries[] = [];
      keys.forEach((k, i) => {
        const y = numbers(at(h, k));
        if (y.length > 0) series.push({ label: `steadygrad: ${k}`, x: epochs(y.length), y, colour: i });
        const c = ref?.curves?.[curveIds[i] as string];
        const ky = finite(c ? (Object.values(c.series)[0] ?? []) : []);
        if (c && ky.length > 0)
          series.push({ label: `Keras 3: ${k}`, x: c.x, y: ky, dashed: true, colour: i });
      });
      if (series.length > 0) {
        plots.push({
          name: `mlp-${metric}`,
          chart: { title: `mlp: ${metric} per epoch`, xLabel: 'epoch', yLabel: metric, series },
        });
      }
    }
  }
  if (experiment === 'bn') {
    const variants = list(at(r, 'results'));
    const labels = variants.map((v) => String(at(v, 'variant')));
    const series: LineSeries[] = variants.flatMap((v, i) => {
      const y = numbers(at(v, 'valAccuracy'));
      return y.length > 0 ? [{ label: `steadygrad: ${labels[i]}`, x: epochs(y.length), y, colour: i }] : [];
    });
    series.push(...kerasSeries(ref, 'bn.valAccuracy', (l) => Math.max(0, labels.indexOf(l))));
    if (series.length > 0) {
      plots.push({
        name: 'bn-val-accuracy',
        chart: {
          title: 'bn: validation accuracy per epoch',
          xLabel: 'epoch',
          yLabel: 'validation accuracy',
          series,
        },
      });
    }
  }
  if (experiment === 'clipping') {
    const series: LineSeries[] = list(at(r, 'results')).flatMap((c) => {
      const y = numbers(at(c, 'loss'));
      return y.length > 0 ? [{ label: String(at(c, 'clipping')), x: epochs(y.length), y }] : [];
    });
    if (series.length > 0) {
      plots.push({
        name: 'clipping-loss',
        chart: {
          title: 'clipping: training MSE per epoch',
          xLabel: 'epoch',
          yLabel: 'training MSE',
          logY: true,
          series,
        },
      });
    }
  }
  if (experiment === 'pretraining') {
    const y = numbers(at(r, 'reconstructionLoss'));
    if (y.length > 0) {
      plots.push({
        name: 'pretraining-reconstruction',
        chart: {
          title: 'pretraining: autoencoder reconstruction loss per epoch',
          xLabel: 'epoch',
          yLabel: 'reconstruction loss',
          series: [{ label: 'steadygrad', x: epochs(y.length), y }],
        },
      });
    }
  }
  return plots;
}

function deepStats(r: unknown, ref: KerasReference | undefined): Plot[] {
  const pairs = list(at(r, 'pairs'));
  const label = (p: unknown) => `${String(at(p, 'activation'))} + ${String(at(p, 'initializer'))}`;
  const labels = pairs.map(label);
  const make = (field: string, name: string, yLabel: string): Plot[] => {
    const series: LineSeries[] = pairs.flatMap((p, i) => {
      const y = finite(list(at(p, field)).map((v) => (typeof v === 'number' ? v : null)));
      return y.length > 0 ? [{ label: `steadygrad: ${label(p)}`, x: epochs(y.length), y, colour: i }] : [];
    });
    if (series.length > 0) {
      const others = labels.length;
      series.push(
        ...kerasSeries(ref, `deep-stats.${field}`, (l) =>
          labels.indexOf(l) >= 0 ? labels.indexOf(l) : others,
        ),
      );
    }
    return series.length > 0
      ? [
          {
            name,
            chart: { title: `deep-stats: ${yLabel} per layer`, xLabel: 'layer', yLabel, logY: true, series },
          },
        ]
      : [];
  };
  return [
    ...make('activationStd', 'deep-stats-activation-std', 'activation standard deviation'),
    ...make('gradientNorm', 'deep-stats-gradient-norm', 'gradient norm'),
  ];
}

function schedules(r: unknown): Plot[] {
  const series: LineSeries[] = list(at(r, 'results')).flatMap((s) => {
    const y = numbers(at(s, 'lrCurve'));
    return y.length > 0 ? [{ label: String(at(s, 'schedule')), x: epochs(y.length), y }] : [];
  });
  return series.length > 0
    ? [
        {
          name: 'schedules-lr',
          chart: {
            title: 'schedules: learning rate per epoch',
            xLabel: 'epoch',
            yLabel: 'learning rate',
            logY: true,
            series,
          },
        },
      ]
    : [];
}

function lrFinder(r: unknown, ref: KerasReference | undefined): Plot[] {
  const x = numbers(at(r, 'lrs'));
  const y = numbers(at(r, 'losses'));
  if (x.length === 0 || x.length !== y.length) return [];
  return [
    {
      name: 'lr-finder-sweep',
      chart: {
        title: 'LR finder: training loss while the learning rate grows',
        xLabel: 'learning rate',
        yLabel: 'training loss',
        logX: true,
        logY: true,
        series: [
          { label: 'steadygrad: loss', x, y },
          ...kerasSeries(ref, 'lr-finder.loss', (l) => (l === 'loss' ? 0 : 1)).filter(
            (k) => k.label === 'Keras 3: loss',
          ),
        ],
      },
    },
  ];
}

function mcDropout(r: unknown): Plot[] {
  const images = list(at(r, 'images'));
  if (images.length === 0) return [];
  // The predicted class's probability: deterministic (dropout off) and the MC mean ± its std over the passes.
  const predicted = images.map((img) =>
    list(at(img, 'top')).find((c) => at(c, 'classIndex') === at(img, 'predicted')),
  );
  const num = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);
  return [
    {
      name: 'mc-dropout-uncertainty',
      chart: {
        title: 'MC dropout: probability of the predicted class, first test images',
        xLabel: 'test image (true label)',
        yLabel: 'probability',
        xCategories: images.map((img) => `#${String(at(img, 'index'))} ${String(at(img, 'labelName'))}`),
        series: [
          {
            label: 'MC mean ± std over the passes',
            y: predicted.map((c) => num(at(c, 'mean'))),
            band: predicted.map((c) => num(at(c, 'std'))),
          },
          { label: 'dropout off (deterministic)', y: predicted.map((c) => num(at(c, 'deterministic'))) },
        ],
      },
    },
  ];
}

/** The plots of one experiment's result (with its Keras 3 reference's curves, when it has them). */
export function experimentPlots(experiment: string, result: unknown, reference?: KerasReference): Plot[] {
  switch (experiment) {
    case 'deep-stats':
      return deepStats(result, reference);
    case 'schedules':
      return schedules(result);
    case 'lr-finder':
      return lrFinder(result, reference);
    case 'mc-dropout':
      return mcDropout(result);
    default:
      return learningCurves(experiment, result, reference);
  }
}
