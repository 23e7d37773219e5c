import { getActivation, leakyRelu } from '@steadygrad/activations';
import { type Activation as ActivationFn, isSteadygradError } from '@steadygrad/core';
import { labelSource, sliceSplit } from '@steadygrad/datasets';
import { Dense, type Layer, PReLU, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';
import type { Experiment, ExperimentContext } from '../experiment.js';
import { seedStats } from '../stats.js';
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
}

export interface ActivationsExperimentResult {
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
  readonly secondsPerRun: number;
  readonly results: ActivationResult[];
}

export interface ActivationsOptions {
  /** Hidden Dense layers. Default 20. */
  readonly depth?: number;
  /** Units per hidden layer. Default 100. */
  readonly units?: number;
  /** Training images when `--limit` is not given. Default 5,000. */
  readonly trainSize?: number;
}

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
 * standardized images; test accuracy after `--epochs` (default 3) epochs, mean ± std over `--seeds`
 * (default 3) seeds. Defaults are scaled down from the notebook's 100 layers / 5 epochs / 55,000 images
 * (20 layers, the first 5,000 training images, 3 epochs) to run in minutes; `--limit N` sets the training size.
 */
export async function runActivations(
  ctx: ExperimentContext,
  options: ActivationsOptions = {},
): Promise<ActivationsExperimentResult> {
  const { depth = 20, units = 100, trainSize = 5000 } = options;
  const epochs = ctx.epochs ?? 3;
  const batchSize = ctx.batchSize ?? 32;
  const seedCount = ctx.seeds ?? 3;
  const learningRate = 1e-3;
  const momentum = 0.9;
  const data = await ctx.loadFashionMnist();
  const trainCount = Math.min(ctx.limit ?? trainSize, data.train.count);
  const testCount =
    ctx.limit === undefined
      ? data.test.count
      : Math.min(data.test.count, Math.max(1000, Math.ceil(trainCount / 6)));
  const train = sliceSplit(data.train, 0, trainCount);
  const test = sliceSplit(data.test, 0, testCount);
  const stats = pixelStats(train);
  const xTrain = standardizedImages(train, stats);
  const yTrain = labelSource(train);
  const xTest = standardizedImages(test, stats);
  const yTest = labelSource(test);
  const seeds = Array.from({ length: seedCount }, (_, i) => ctx.seed + i);
  ctx.log(
    `${depth} × Dense(${units}) + softmax head, SGD lr ${learningRate} momentum ${momentum}, ${epochs} epochs, ` +
      `${trainCount} training / ${testCount} test images, seeds ${seeds.join(', ')}`,
  );
  const results: ActivationResult[] = [];
  const started = performance.now();
  for (const spec of ACTIVATION_SPECS) {
    const accuracies: number[] = [];
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
          });
          trainLoss.push(history.history.loss?.at(-1) ?? Number.NaN);
        } catch (e) {
          if (!isSteadygradError(e, 'DIVERGED')) throw e;
          diverged++;
          trainLoss.push(Number.NaN);
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
    results.push({
      activation: spec.activation,
      initializer,
      mean,
      std,
      seeds,
      accuracies,
      trainLoss,
      diverged,
    });
    ctx.log(
      `${spec.activation.padEnd(10)} + ${initializer.padEnd(14)} test accuracy ${mean.toFixed(4)} ± ${std.toFixed(4)}` +
        `  [${accuracies.map((a) => a.toFixed(4)).join(', ')}]${diverged > 0 ? `  (${diverged} diverged)` : ''}`,
    );
  }
  const secondsPerRun = (performance.now() - started) / 1000 / (ACTIVATION_SPECS.length * seeds.length);
  const ranking = [...results].sort((a, b) => b.mean - a.mean).map((r) => r.activation);
  ctx.log(`ranking by mean test accuracy: ${ranking.join(' > ')}`);
  ctx.log('the seed claims:              selu > elu > prelu > relu > tanh > sigmoid');
  return {
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
    secondsPerRun,
    results,
  };
}

/** `pnpm demo activations`: the seed's activation ranking, trained and tested over several seeds. */
export const activations: Experiment<ActivationsExperimentResult> = {
  name: 'activations',
  description:
    "issue 3: the seed's activation ranking tested — 20-layer MLP per activation (paired initializer), test accuracy mean ± std over seeds",
  run: (ctx) => runActivations(ctx),
};
