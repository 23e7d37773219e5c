import { getActivation, leakyRelu } from '@steadygrad/activations';
import { type Activation as ActivationFn, type BatchSource, isSteadygradError } from '@steadygrad/core';
import { labelSource, sliceSplit } from '@steadygrad/datasets';
import { Dense, type Layer, PReLU, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';
import type { Experiment, ExperimentContext } from '../experiment.js';
import {
  describeProfile,
  type ProfileFields,
  qualifyPublished,
  resolveProfile,
  seedList,
} from '../profile.js';
import { compareVariants, type Significance, seedStats } from '../stats.js';
import { pixelStats, standardizedImages } from './deep-stats.js';

/** One activation of the comparison and how it is built. */
export interface ActivationSpec {
  /** Name in the output (`'prelu'` is the `PReLU` layer). */
  readonly activation: string;
  /** The activation applied by each hidden Dense, or `'prelu'` for a linear Dense followed by a `PReLU` layer. */
  readonly fn: ActivationFn | 'prelu';
}

/** The seed's ranking, worst to best as it claims: logistic < tanh < ReLU < (leaky ReLU) < PReLU < ELU < SELU. */
export const ACTIVATION_SPECS: readonly ActivationSpec[] = [
  { activation: 'sigmoid', fn: getActivation('sigmoid') },
  { activation: 'tanh', fn: getActivation('tanh') },
  { activation: 'relu', fn: getActivation('relu') },
  { activation: 'leaky_relu', fn: leakyRelu({ alpha: 0.2 }) }, // seed cell 3's slope
  { activation: 'prelu', fn: 'prelu' },
  { activation: 'elu', fn: getActivation('elu') },
  { activation: 'selu', fn: getActivation('selu') },
];

/** Keras initializer name for an activation's `pairsWith` family (PReLU pairs with He). */
export function pairedInitializer(spec: ActivationSpec): 'he_normal' | 'lecun_normal' | 'glorot_uniform' {
  const family = spec.fn === 'prelu' ? 'he' : spec.fn.pairsWith;
  return family === 'he' ? 'he_normal' : family === 'lecun' ? 'lecun_normal' : 'glorot_uniform';
}

export interface ActivationResult {
  readonly activation: string;
  readonly initializer: string;
  /** Mean test accuracy over the seeds. */
  readonly mean: number;
  /** Sample standard deviation (n − 1) of the test accuracies; 0 with one seed. */
  readonly std: number;
  /** The seeds used (model initialization and shuffling). */
  readonly seeds: number[];
  /** Test accuracy per seed, aligned with `seeds`. */
  readonly accuracies: number[];
  /** Final-epoch training loss per seed. */
  readonly trainLoss: number[];
  /** Runs stopped by fit's non-finite guard (their accuracy is that of the last finite weights). */
  readonly diverged: number;
  /** Final-epoch validation accuracy per seed (empty without a validation set: `validationSize` 0). */
  readonly valAccuracies: number[];
  /**
   * Géron's single-seed final validation accuracy of this activation's 100-layer network after 5 epochs
   * (`../shared/anchors.md`: ReLU/He ≈ 0.70, SELU/LeCun 0.8046), `null` where he published none.
   */
  readonly published: number | null;
}

/** The settings of the `activations` experiment (notebook and quick values in {@link ACTIVATIONS_PROFILES}). */
export type ActivationsSettings = {
  /** Hidden Dense layers. */
  readonly depth: number;
  /** Units per hidden layer. */
  readonly units: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly momentum: number;
  /** The first `validationSize` training images are the validation set (0: none). */
  readonly validationSize: number;
  /** Training images: the `trainSize` images after the validation set. `--limit N` sets it. */
  readonly trainSize: number;
  readonly seeds: number;
};

/**
 * The notebook profile is Géron's deep-network comparison (the notebook behind the published ≈ 0.70 for
 * ReLU/He and 0.8046 for SELU/LeCun): 100 hidden Dense(100) layers, SGD lr 1e-3 momentum 0.9, batch 32,
 * 5 epochs on the 55,000 training images after the 5,000 validation images; 2 seeds (the fewest that give a
 * std and a t-test: one seed of the 7 activations takes ≈ 2 hours here). Quick (the page and the tests): 20
 * layers, 3 epochs on the first 5,000 training images, no validation set, 3 seeds.
 */
export const ACTIVATIONS_PROFILES: {
  readonly notebook: ActivationsSettings;
  readonly quick: Partial<ActivationsSettings>;
} = {
  notebook: {
    depth: 100,
    units: 100,
    epochs: 5,
    batchSize: 32,
    learningRate: 1e-3,
    momentum: 0.9,
    validationSize: 5000,
    trainSize: 55_000,
    seeds: 2,
  },
  quick: { depth: 20, epochs: 3, validationSize: 0, trainSize: 5000, seeds: 3 },
};

/** Géron's published final validation accuracies of the 100-layer networks (5 epochs, one seed). */
export const ACTIVATIONS_PUBLISHED: Readonly<Record<string, number>> = { relu: 0.7, selu: 0.8046 };

export interface ActivationsExperimentResult extends ProfileFields {
  readonly experiment: 'activations';
  readonly backend: string;
  readonly depth: number;
  readonly units: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly trainSize: number;
  readonly testSize: number;
  readonly learningRate: number;
  readonly momentum: number;
  readonly validationSize: number;
  readonly settings: ActivationsSettings;
  readonly secondsPerRun: number;
  readonly results: ActivationResult[];
  /** The best and the worst activation by mean test accuracy, compared over the seeds (Welch t-test). */
  readonly bestVsWorst: Significance;
}

/** Overrides of the profile's settings (they show in `notebookDifferences`). */
export type ActivationsOptions = Partial<ActivationsSettings>;

function buildModel(
  spec: ActivationSpec,
  depth: number,
  units: number,
  inputSize: number,
  seed: number,
): Sequential {
  const kernelInitializer = pairedInitializer(spec);
  const layers: Layer[] = [];
  for (let i = 0; i < depth; i++) {
    const inputShape = i === 0 ? { inputShape: [inputSize] } : {};
    if (spec.fn === 'prelu') {
      layers.push(new Dense({ units, kernelInitializer, ...inputShape }), new PReLU());
    } else {
      layers.push(new Dense({ units, activation: spec.fn, kernelInitializer, ...inputShape }));
    }
  }
  layers.push(new Dense({ units: 10, activation: 'softmax' }));
  return new Sequential(layers, { seed });
}

/**
 * The seed's ranking "SELU > ELU > PReLU > ReLU > tanh > logistic" put to the test, the way Géron's notebook
 * tests SELU against ReLU: a deep MLP (`depth` Dense layers of `units` units, each activation with the
 * initializer its `pairsWith` names: Glorot uniform for sigmoid/tanh, He normal for the ReLU family and ELU,
 * LeCun normal for SELU; PReLU = linear Dense + `PReLU` layer with Keras's zero-initialized slopes),
 * a Dense(10, softmax) head, SGD with learning rate 1e-3 and momentum 0.9, batch 32, on per-pixel
 * standardized images; test accuracy (and, with a validation set, the final validation accuracy Géron
 * published) mean ± std over the seeds. Profiles in {@link ACTIVATIONS_PROFILES}: notebook = 100 layers,
 * 5 epochs, 55,000 images, 2 seeds; quick = 20 layers, 3 epochs, the first 5,000 images, 3 seeds. `--limit N`
 * sets the training size (and a test set of max(1000, N/6) images).
 *
 * Notebook-profile runtime on the shared 2-core machine (wasm, 1 thread, load ≈ 8): measured 24.3 s per
 * activation for 1 epoch of 5,500 images with the 5,000 validation images (`--epochs 1 --seeds 1 --limit
 * 5500`); scaled to 5 epochs of 55,000 (≈ 40× the work), ≈ 16 minutes per activation and seed, ≈ 1.9 hours
 * per seed, ≈ 3.8 hours for the 2 seeds (`--seeds 1` halves it).
 */
export async function runActivations(
  ctx: ExperimentContext,
  options: ActivationsOptions = {},
): Promise<ActivationsExperimentResult> {
  const p = resolveProfile(ctx.profile, ACTIVATIONS_PROFILES, {
    epochs: ctx.epochs,
    batchSize: ctx.batchSize,
    seeds: ctx.seeds,
    trainSize: ctx.limit,
    ...options,
  });
  const { depth, units, epochs, batchSize, learningRate, momentum } = p.settings;
  ctx.log(describeProfile(p));
  const data = await ctx.loadFashionMnist();
  const validationCount = Math.min(p.settings.validationSize, data.train.count);
  const trainCount = Math.min(p.settings.trainSize, data.train.count - validationCount);
  const testCount =
    ctx.limit === undefined
      ? data.test.count
      : Math.min(data.test.count, Math.max(1000, Math.ceil(trainCount / 6)));
  const train = sliceSplit(data.train, validationCount, validationCount + trainCount);
  const test = sliceSplit(data.test, 0, testCount);
  const stats = pixelStats(train);
  const xTrain = standardizedImages(train, stats);
  const yTrain = labelSource(train);
  const xTest = standardizedImages(test, stats);
  const yTest = labelSource(test);
  const valid = validationCount > 0 ? sliceSplit(data.train, 0, validationCount) : undefined;
  const validationData =
    valid === undefined
      ? undefined
      : ([standardizedImages(valid, stats), labelSource(valid)] as [BatchSource, BatchSource]);
  const seeds = seedList(ctx.seed, p.settings.seeds);
  ctx.log(
    `${depth} × Dense(${units}) + softmax head, SGD lr ${learningRate} momentum ${momentum}, ${epochs} epochs, ` +
      `${trainCount} training / ${validationCount} validation / ${testCount} test images, seeds ${seeds.join(', ')}`,
  );
  const results: ActivationResult[] = [];
  const started = performance.now();
  for (const spec of ACTIVATION_SPECS) {
    const accuracies: number[] = [];
    const valAccuracies: number[] = [];
    const trainLoss: number[] = [];
    let diverged = 0;
    for (const seed of seeds) {
      const model = buildModel(spec, depth, units, xTrain.shape[0]!, seed);
      const trainer = compile(model, {
        loss: 'sparse_categorical_crossentropy',
        optimizer: sgd({ learningRate, momentum }),
        metrics: ['accuracy'],
      });
      try {
        try {
          const history = await trainer.fit(xTrain, yTrain, {
            epochs,
            batchSize,
            seed,
            verbose: ctx.verbose,
            ...(validationData === undefined ? {} : { validationData }),
          });
          trainLoss.push(history.history.loss?.at(-1) ?? Number.NaN);
          if (validationData !== undefined) {
            valAccuracies.push(history.history.val_accuracy?.at(-1) ?? Number.NaN);
          }
        } catch (e) {
          if (!isSteadygradError(e, 'DIVERGED')) throw e;
          diverged++;
          trainLoss.push(Number.NaN);
          if (validationData !== undefined) valAccuracies.push(Number.NaN);
        }
        const test = await trainer.evaluate(xTest, yTest, { batchSize: 1000 });
        accuracies.push(test.accuracy ?? Number.NaN);
      } finally {
        trainer.dispose();
        model.dispose();
      }
    }
    const { mean, std } = seedStats(accuracies);
    const initializer = pairedInitializer(spec);
    const published = ACTIVATIONS_PUBLISHED[spec.activation] ?? null;
    results.push({
      activation: spec.activation,
      initializer,
      mean,
      std,
      seeds,
      accuracies,
      trainLoss,
      diverged,
      valAccuracies,
      published,
    });
    const val =
      valAccuracies.length === 0
        ? ''
        : `, validation ${seedStats(valAccuracies).mean.toFixed(4)} ± ${seedStats(valAccuracies).std.toFixed(4)}`;
    const pub =
      published === null
        ? ''
        : `  (Géron, one seed: validation ${published} after 5 epochs of 100 layers; this run: ${qualifyPublished(p)})`;
    ctx.log(
      `${spec.activation.padEnd(10)} + ${initializer.padEnd(14)} test accuracy ${mean.toFixed(4)} ± ${std.toFixed(4)}` +
        `  [${accuracies.map((a) => a.toFixed(4)).join(', ')}]${diverged > 0 ? `  (${diverged} diverged)` : ''}${val}${pub}`,
    );
  }
  const secondsPerRun = (performance.now() - started) / 1000 / (ACTIVATION_SPECS.length * seeds.length);
  const ranking = [...results].sort((a, b) => b.mean - a.mean).map((r) => r.activation);
  ctx.log(`ranking by mean test accuracy: ${ranking.join(' > ')}`);
  ctx.log('the seed claims:              selu > elu > prelu > relu > tanh > sigmoid');
  const byMean = [...results].sort((a, b) => b.mean - a.mean);
  const best = byMean[0] as ActivationResult;
  const worst = byMean.at(-1) as ActivationResult;
  const bestVsWorst = compareVariants(
    'test accuracy',
    { label: worst.activation, values: worst.accuracies },
    { label: best.activation, values: best.accuracies },
  );
  ctx.log(bestVsWorst.statement);
  return {
    profile: p.profile,
    notebookDifferences: p.notebookDifferences,
    experiment: 'activations',
    backend: ctx.backend,
    depth,
    units,
    epochs,
    batchSize,
    trainSize: trainCount,
    testSize: testCount,
    learningRate,
    momentum,
    validationSize: validationCount,
    settings: p.settings,
    secondsPerRun,
    results,
    bestVsWorst,
  };
}

/** `pnpm demo activations`: the seed's activation ranking, trained and tested over several seeds. */
export const activations: Experiment<ActivationsExperimentResult> = {
  name: 'activations',
  description:
    "issue 3: the seed's activation ranking tested — 100-layer MLP (quick: 20) per activation (paired initializer), test accuracy mean ± std over seeds",
  run: (ctx) => runActivations(ctx),
};
