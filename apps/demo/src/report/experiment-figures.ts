// Which figures of each experiment's JSON result the report tabulates, under the metric ids of
// tooling/reference/README.md (so a Keras 3 reference's `metrics[id]` lines up with steadygrad's figure).
// Fields are read defensively (see figure.ts): a figure a result lacks shows as missing, it never throws.
import {
  at,
  type Figure,
  type FigureFormat,
  figureValue,
  find,
  last,
  list,
  type PublishedFigure,
  perSeed,
  published,
} from './figure.js';

type Extractor = (r: unknown) => Figure[];

function fig(
  id: string,
  label: string,
  format: FigureFormat,
  value: unknown,
  extra: {
    perSeed?: unknown;
    published?: PublishedFigure | undefined;
    exact?: boolean;
    derivedFrom?: readonly string[];
    /** The run's seeds, when `value` is a mean over them without the per-seed values. */
    meanOver?: unknown;
  } = {},
): Figure {
  let steadygrad = figureValue(value, extra.perSeed);
  const seeds = list(extra.meanOver).length;
  if (steadygrad !== null && steadygrad.n === 1 && seeds > 1) {
    steadygrad = { mean: steadygrad.mean, std: Number.NaN, n: seeds, meanOnly: true };
  }
  return {
    id,
    label,
    format,
    steadygrad,
    ...(extra.published ? { published: extra.published } : {}),
    ...(extra.exact ? { exact: true } : {}),
    ...(extra.derivedFrom ? { derivedFrom: extra.derivedFrom } : {}),
    ...(value === null
      ? { missingReason: 'null in the result: not finite (the run diverged or overflowed)', nonFinite: true }
      : {}),
  };
}

const names = (items: unknown, key: string): string[] =>
  list(items)
    .map((x) => at(x, key))
    .filter((x): x is string => typeof x === 'string');

/** The published figure of a field: `published.<field>` (a number) or `published` itself. */
const pub = (r: unknown, note?: string, ...path: string[]) => published(at(r, 'published', ...path), note);

const EXTRACTORS: Readonly<Record<string, Extractor>> = {
  mlp: (r) => [
    fig('testAccuracy', 'test accuracy', 'accuracy', at(r, 'testAccuracyStats') ?? at(r, 'testAccuracy'), {
      published: pub(
        r,
        `Géron, one seed, ${String(at(r, 'published', 'epochs') ?? 30)} epochs`,
        'testAccuracy',
      ),
    }),
    fig('testLoss', 'test loss', 'number', at(r, 'testLossStats') ?? at(r, 'testLoss'), {
      meanOver: at(r, 'seeds'),
    }),
  ],
  summary: (r) => [
    fig('totalParams', 'total parameters (cell 5 model)', 'integer', at(r, 'totalParams'), {
      exact: true,
      published: published(271346, 'model.summary() in the notebook'),
    }),
    fig('trainableParams', 'trainable parameters', 'integer', at(r, 'trainableParams'), {
      exact: true,
      published: published(268978, 'model.summary() in the notebook'),
    }),
    fig(
      'nonTrainableParams',
      'non-trainable parameters (BN moving statistics)',
      'integer',
      at(r, 'nonTrainableParams'),
      {
        exact: true,
        published: published(2368, 'model.summary() in the notebook'),
      },
    ),
    ...list(at(r, 'layers')).map((layer, i) =>
      fig(`layers.${i}.params`, `${String(at(layer, 'name'))}: parameters`, 'integer', at(layer, 'params'), {
        exact: true,
      }),
    ),
  ],
  bn: (r) =>
    names(at(r, 'results'), 'variant').flatMap((v) => {
      const x = find(at(r, 'results'), 'variant', v);
      const accuracy = at(x, 'testAccuracyStats') ?? at(x, 'testAccuracy');
      return [
        fig(`${v}.testAccuracy`, `${v}: test accuracy`, 'accuracy', accuracy, {
          published: pub(x, 'Géron, one seed', 'testAccuracy'),
        }),
        fig(
          `${v}.finalTrainLoss`,
          `${v}: training loss, last epoch`,
          'number',
          at(x, 'finalTrainLossStats') ?? last(at(x, 'trainLoss')),
          { meanOver: at(r, 'seeds') },
        ),
      ];
    }),
  optimizers: (r) =>
    names(at(r, 'results'), 'optimizer').flatMap((o) => {
      const x = find(at(r, 'results'), 'optimizer', o);
      return [
        fig(`${o}.valAccuracy`, `${o}: final validation accuracy`, 'accuracy', at(x, 'valAccuracy'), {
          perSeed: perSeed(at(x, 'seeds'), 'valAccuracy'),
          published: published(at(x, 'published'), 'Géron, one seed, 10 epochs'),
        }),
        fig(`${o}.valLoss`, `${o}: final validation loss`, 'number', at(x, 'valLoss'), {
          perSeed: perSeed(at(x, 'seeds'), 'valLoss'),
        }),
      ];
    }),
  clipping: (r) =>
    names(at(r, 'results'), 'clipping').flatMap((c) => {
      const x = find(at(r, 'results'), 'clipping', c);
      return [
        fig(`${c}.diverged`, `${c}: diverged (1 = yes)`, 'boolean', at(x, 'diverged'), { exact: true }),
        fig(`${c}.testLoss`, `${c}: test MSE`, 'number', at(x, 'testLoss')),
      ];
    }),
  regularization: (r) => [
    ...names(at(r, 'results'), 'variant').flatMap((v) => {
      const x = find(at(r, 'results'), 'variant', v);
      return [
        fig(`${v}.testAccuracy`, `${v}: test accuracy`, 'accuracy', at(x, 'testAccuracy'), {
          published: published(at(x, 'published', 'testAccuracy'), 'Géron, one seed'),
        }),
        fig(
          `${v}.finalValAccuracy`,
          `${v}: final validation accuracy`,
          'accuracy',
          at(x, 'finalValAccuracy'),
          {
            published: published(at(x, 'published', 'finalValAccuracy'), 'Géron, one seed'),
          },
        ),
      ];
    }),
    fig('mcDropout.accuracy', 'MC dropout: test accuracy', 'accuracy', at(r, 'mcDropout', 'accuracy'), {
      published: published(at(r, 'mcDropout', 'published'), 'Géron, one seed'),
    }),
  ],
  'mc-dropout': (r) => [
    fig('plainAccuracy', 'dropout off: test accuracy', 'accuracy', at(r, 'plainAccuracy'), {
      published: pub(r, 'Géron, one seed', 'plainAccuracy'),
    }),
    fig('mcAccuracy', 'MC dropout: test accuracy', 'accuracy', at(r, 'mcAccuracy'), {
      published: pub(r, 'Géron, one seed', 'mcAccuracy'),
    }),
  ],
  'deep-stats': (r) =>
    list(at(r, 'pairs')).flatMap((p) => {
      const id = `${String(at(p, 'activation'))} + ${String(at(p, 'initializer'))}`;
      const g = list(at(p, 'gradientNorm'));
      return [
        fig(
          `${id}.activationStd.last`,
          `${id}: activation std, last layer`,
          'number',
          last(at(p, 'activationStd')),
        ),
        fig(`${id}.gradientNorm.first`, `${id}: gradient norm, first layer`, 'number', g[0]),
        fig(`${id}.gradientNorm.last`, `${id}: gradient norm, last layer`, 'number', g[g.length - 1]),
        fig(`${id}.loss`, `${id}: loss`, 'number', at(p, 'loss')),
      ];
    }),
  // A run without a validation set (the quick profile: `validationSize` 0) measures no validation accuracy,
  // so it has no such rows (Géron's published figures are validation accuracies of the 100-layer notebook).
  activations: (r) =>
    names(at(r, 'results'), 'activation').flatMap((a) => {
      const x = find(at(r, 'results'), 'activation', a);
      return [
        fig(`${a}.testAccuracy`, `${a}: test accuracy`, 'accuracy', at(x, 'accuracies')),
        fig(`${a}.finalTrainLoss`, `${a}: training loss, last epoch`, 'number', at(x, 'trainLoss')),
        ...(at(r, 'validationSize') === 0
          ? []
          : [
              fig(`${a}.valAccuracy`, `${a}: final validation accuracy`, 'accuracy', at(x, 'valAccuracies'), {
                published: published(at(x, 'published'), 'Géron, one seed, 100 layers, 5 epochs'),
              }),
            ]),
      ];
    }),
  transfer: (r) => [
    fig('scratch.testAccuracy', 'task B from scratch: test accuracy', 'accuracy', at(r, 'taskB', 'scratch'), {
      published: pub(r, 'Géron, one seed', 'scratch'),
    }),
    fig(
      'transfer.testAccuracy',
      'task B on A (transfer): test accuracy',
      'accuracy',
      at(r, 'taskB', 'transfer'),
      {
        published: pub(r, 'Géron, one seed', 'transfer'),
      },
    ),
    fig('errorRateReduction', 'error rate removed by transfer', 'accuracy', at(r, 'errorRateReduction'), {
      derivedFrom: ['scratch.testAccuracy', 'transfer.testAccuracy'],
      published: published(
        typeof at(r, 'published', 'scratch') === 'number'
          ? 1 -
              (1 - (at(r, 'published', 'transfer') as number)) /
                (1 - (at(r, 'published', 'scratch') as number))
          : undefined,
        'Géron, one seed',
      ),
    }),
    fig(
      'modelA.testAccuracy',
      'model A on task A: test accuracy',
      'accuracy',
      at(r, 'modelA', 'testAccuracy'),
    ),
  ],
  pretraining: (r) => [
    fig('scratch.testAccuracy', 'from scratch: test accuracy', 'accuracy', at(r, 'scratch')),
    fig(
      'pretrained.testAccuracy',
      'on the pretrained encoder: test accuracy',
      'accuracy',
      at(r, 'pretrained'),
    ),
  ],
  schedules: (r) =>
    names(at(r, 'results'), 'schedule').map((s) => {
      const x = find(at(r, 'results'), 'schedule', s);
      const p = at(x, 'published');
      return fig(`${s}.valAccuracy`, `${s}: final validation accuracy`, 'accuracy', at(x, 'valAccuracy'), {
        perSeed: perSeed(at(x, 'seeds'), 'valAccuracy'),
        published: published(at(p, 'valAccuracy'), `Géron, one seed, ${String(at(p, 'epochs'))} epochs`),
      });
    }),
  'lr-finder': (r) => [
    fig('minLossLr', 'learning rate at the lowest loss', 'number', at(r, 'minLossLr')),
    fig('suggestedMaxLr', 'suggested maximum learning rate', 'number', at(r, 'suggestedMaxLr')),
  ],
  resume: (r) => [
    fig(
      'identical',
      'resumed run bit-identical to the uninterrupted one (1 = yes)',
      'boolean',
      at(r, 'identical'),
      {
        exact: true,
      },
    ),
    fig('maxAbsDiff', 'largest weight difference', 'number', at(r, 'maxAbsDiff'), { exact: true }),
  ],
  cnn: (r) => [
    fig('cnn.testAccuracy', `CNN: test accuracy`, 'accuracy', at(r, 'testAccuracy')),
    fig(
      'baseline.testAccuracy',
      'BN-MLP (cell 5), same settings: test accuracy',
      'accuracy',
      at(r, 'baseline', 'testAccuracy'),
    ),
  ],
  'transfer-cnn': (r) => [
    fig('scratch.testAccuracy', 'task B from scratch: test accuracy', 'accuracy', at(r, 'baseline')),
    fig('transfer.testAccuracy', 'task B on A (transfer): test accuracy', 'accuracy', at(r, 'testAccuracy')),
  ],
};

/** The figures the report shows for `experiment`'s JSON result (none for an experiment it does not know). */
export function experimentFigures(experiment: string, result: unknown): Figure[] {
  return EXTRACTORS[experiment]?.(result) ?? [];
}

/** The experiments {@link experimentFigures} knows. */
export const EXPERIMENTS_WITH_FIGURES: readonly string[] = Object.keys(EXTRACTORS);
