// Cases of the bad-input catalogue (bad-input-catalogue.test.ts runs them): shapes and ranks, data,
// hyperparameters, names, lifecycle.
import { getActivation } from '@steadygrad/activations';
import { tf, useBackend } from '@steadygrad/core';
import { getInitializer, varianceScaling } from '@steadygrad/initializers';
import { Dense } from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { adam, rmsprop, sgd } from '@steadygrad/optim';
import { Dropout } from '@steadygrad/regularization';
import { exponentialDecay, piecewiseConstant } from '@steadygrad/schedules';
import { compile } from '@steadygrad/train';
import { type Case, fitWith, model, trainer, x4 } from './bad-input-fixture.js';

/** The API cases: shapes and ranks, data, hyperparameters, names, lifecycle. */
export const apiCases: readonly Case[] = [
  // --- shapes and ranks
  {
    name: 'input with the wrong feature size',
    code: 'SHAPE_MISMATCH',
    message: [/'flatten'/, /expects/, /got \[2,3,2\]|got \[2, 3, 2\]|got/],
    run: () => model.apply(tf.ones([2, 2, 3])),
  },
  {
    name: 'input with the wrong rank',
    code: 'SHAPE_MISMATCH',
    message: [/'flatten'/, /expects/],
    run: () => model.apply(tf.ones([4])),
  },
  {
    name: 'setWeights with a wrong shape',
    code: 'SHAPE_MISMATCH',
    message: [/hidden\/kernel/, /\[4,3\]|\[4, 3\]/],
    run: () => model.setWeights(model.getWeights().map((w, i) => (i === 0 ? tf.zeros([3, 4]) : w))),
  },
  {
    name: 'setWeights with a wrong count',
    code: 'INVALID_ARGUMENT',
    message: [/4/, /weights?/],
    run: () => model.setWeights([tf.zeros([4, 3])]),
  },
  // --- data
  {
    name: 'labels out of range for a 2-class output',
    code: 'OUT_OF_RANGE',
    message: [/label/i, /\b5\b/, /\[0, ?2\)|0.*1|< 2/],
    run: () => fitWith(trainer(), x4(), tf.tensor1d([0, 5], 'int32'), { epochs: 1, verbose: 0 }),
  },
  {
    name: 'NaN in the inputs',
    code: 'NON_FINITE',
    message: [/NaN|non-finite/i, /x|input/i],
    run: () =>
      fitWith(
        trainer(),
        tf.tensor3d([
          [
            [0, Number.NaN],
            [0, 0],
          ],
          [
            [0, 0],
            [0, 0],
          ],
        ]),
        tf.tensor1d([0, 1], 'int32'),
        {
          epochs: 1,
          verbose: 0,
        },
      ),
  },
  {
    name: 'Infinity in regression targets',
    code: 'NON_FINITE',
    message: [/Inf|non-finite/i, /y|target|label/i],
    run: () =>
      fitWith(
        compile(model, { loss: 'mse', optimizer: sgd() }),
        x4(),
        tf.tensor2d([
          [0, Number.POSITIVE_INFINITY],
          [0, 1],
        ]),
        {
          epochs: 1,
          verbose: 0,
        },
      ),
  },
  {
    name: 'x and y sample counts differ',
    code: 'SHAPE_MISMATCH',
    message: [/\b2\b/, /\b3\b/],
    run: () => fitWith(trainer(), x4(), tf.tensor1d([0, 1, 1], 'int32'), { epochs: 1, verbose: 0 }),
  },
  {
    name: 'an empty dataset',
    code: 'INVALID_ARGUMENT',
    message: [/empty|no samples|0 samples/i],
    run: () => fitWith(trainer(), tf.zeros([0, 2, 2]), tf.zeros([0], 'int32'), { epochs: 1, verbose: 0 }),
  },
  {
    name: 'batch size 0',
    code: 'INVALID_ARGUMENT',
    message: [/batchSize/, />= 1|positive/],
    run: () =>
      fitWith(trainer(), x4(), tf.tensor1d([0, 1], 'int32'), { epochs: 1, batchSize: 0, verbose: 0 }),
  },
  {
    name: 'epochs 0',
    code: 'INVALID_ARGUMENT',
    message: [/epochs/, />= 1/],
    run: () => fitWith(trainer(), x4(), tf.tensor1d([0, 1], 'int32'), { epochs: 0, verbose: 0 }),
  },
  {
    name: 'validationSplit of 1',
    code: 'INVALID_ARGUMENT',
    message: [/validationSplit/, /< 1|\(0, 1\)/],
    run: () =>
      fitWith(trainer(), x4(), tf.tensor1d([0, 1], 'int32'), { epochs: 1, validationSplit: 1, verbose: 0 }),
  },
  // --- hyperparameters
  {
    name: 'negative learning rate',
    code: 'INVALID_ARGUMENT',
    message: [/learningRate/, />= 0/, /-0\.1/],
    run: () => sgd({ learningRate: -0.1 }),
  },
  {
    name: 'momentum of 1',
    code: 'INVALID_ARGUMENT',
    message: [/momentum/, /< 1/],
    run: () => sgd({ momentum: 1 }),
  },
  {
    name: 'negative momentum',
    code: 'INVALID_ARGUMENT',
    message: [/momentum/, />= 0/],
    run: () => sgd({ momentum: -0.5 }),
  },
  { name: 'rho of 1', code: 'INVALID_ARGUMENT', message: [/rho/, /< 1/], run: () => rmsprop({ rho: 1 }) },
  { name: 'beta1 of 1', code: 'INVALID_ARGUMENT', message: [/beta1/, /< 1/], run: () => adam({ beta1: 1 }) },
  {
    name: 'epsilon of 0',
    code: 'INVALID_ARGUMENT',
    message: [/epsilon/, /> 0/],
    run: () => adam({ epsilon: 0 }),
  },
  {
    name: 'clipNorm of 0',
    code: 'INVALID_ARGUMENT',
    message: [/clipNorm/, /> 0/],
    run: () => sgd({ clipNorm: 0 }),
  },
  {
    name: 'clipNorm together with globalClipNorm',
    code: 'INVALID_ARGUMENT',
    message: [/clipNorm/, /globalClipNorm/],
    run: () => sgd({ clipNorm: 1, globalClipNorm: 1 }),
  },
  {
    name: 'dropout rate of 1',
    code: 'INVALID_ARGUMENT',
    message: [/rate/, /< 1|\[0, 1\)/],
    run: () => new Dropout({ rate: 1 }),
  },
  {
    name: 'batch-norm momentum of 1',
    code: 'INVALID_ARGUMENT',
    message: [/momentum/, /< 1|\[0, 1\)/],
    run: () => new BatchNormalization({ momentum: 1 }),
  },
  {
    name: 'negative batch-norm epsilon',
    code: 'INVALID_ARGUMENT',
    message: [/epsilon/, />= 0|> 0/],
    run: () => new BatchNormalization({ epsilon: -1e-3 }),
  },
  {
    name: 'exponential decay rate of 0',
    code: 'INVALID_ARGUMENT',
    message: [/decayRate/, /> 0/],
    run: () => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0 }),
  },
  {
    name: 'piecewise values/boundaries length mismatch',
    code: 'INVALID_ARGUMENT',
    message: [/values/, /boundaries/],
    run: () => piecewiseConstant({ boundaries: [10, 20], values: [0.1, 0.01] }),
  },
  {
    name: 'variance scaling with scale 0',
    code: 'INVALID_ARGUMENT',
    message: [/scale/, /> 0/],
    run: () => varianceScaling({ scale: 0 }),
  },
  // --- names
  {
    name: 'unknown initializer name',
    code: 'UNKNOWN_NAME',
    message: [/he_norml/, /he_normal/],
    run: () => getInitializer('he_norml'),
  },
  {
    name: 'unknown activation name',
    code: 'UNKNOWN_NAME',
    message: [/relu6x/, /relu/],
    run: () => getActivation('relu6x'),
  },
  {
    name: 'unknown loss name',
    code: 'UNKNOWN_NAME',
    message: [/sparse_categorical_crossentropyy/, /sparse_categorical_crossentropy/],
    run: () => compile(model, { loss: 'sparse_categorical_crossentropyy' as never, optimizer: sgd() }),
  },
  {
    name: 'unknown backend',
    code: 'INVALID_ARGUMENT',
    message: [/backend/, /'wasm'/, /gpu/],
    run: () => useBackend('gpu' as never),
  },
  // --- lifecycle
  {
    name: 'a layer used before it is built',
    code: 'NOT_BUILT',
    message: [/dense_unbuilt/, /build/i],
    run: () => new Dense({ units: 2, name: 'dense_unbuilt' }).apply(tf.ones([1, 2])),
  },
];
