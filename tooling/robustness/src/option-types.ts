// The options catalogue's table (options-catalogue.test.ts runs it): every public options type with the call
// that takes it, and the exported `…Options` interfaces exempted (with why).
import { elu, gelu, leakyRelu, rreluApply, softmax } from '@steadygrad/activations';
import { arraySource, tf, useBackend, useFastestBackend } from '@steadygrad/core';
import { readRegularFile, removeStaleTempFiles } from '@steadygrad/core/node';
import {
  downloadFashionMnist,
  fashionMnistFromIdx,
  imageSource,
  labelSource,
  loadFashionMnist,
  locateFashionMnist,
  parseIdxHeader,
  transferSplit,
  validationSplit,
} from '@steadygrad/datasets';
import {
  identity,
  orthogonal,
  randomNormal,
  randomUniform,
  truncatedNormal,
  varianceScaling,
} from '@steadygrad/initializers';
import { checkLayersModelJson, fromLayersModel, loadLayersModel } from '@steadygrad/interop';
import {
  Activation,
  Concatenate,
  Conv1D,
  Conv2D,
  checkPairings,
  Dense,
  DepthwiseConv2D,
  GlobalAveragePooling2D,
  input,
  LeakyReLU,
  MaxPooling2D,
  Model,
  PReLU,
  ReLU,
  Reshape,
  RReLU,
  SeparableConv2D,
  Sequential,
  ZeroPadding2D,
} from '@steadygrad/nn';
import {
  BatchNormalization,
  fromPyTorchBatchNorm,
  GroupNormalization,
  LayerNormalization,
  RMSNormalization,
} from '@steadygrad/normalization';
import {
  adagrad,
  adam,
  adamax,
  adamw,
  addDecayedWeights,
  applyIfFinite,
  nadam,
  rmsprop,
  scaleByAdagrad,
  scaleByAdam,
  scaleByAdamax,
  scaleByNadam,
  scaleByRms,
  sgd,
  trace,
} from '@steadygrad/optim';
import {
  AlphaDropout,
  checkDropoutPairings,
  Dropout,
  GaussianDropout,
  GaussianNoise,
  l1l2,
  maxNorm,
  mcPredict,
  minMaxNorm,
  SpatialDropout2D,
  unitNorm,
} from '@steadygrad/regularization';
import {
  cosineAnnealing,
  cosineAnnealingWarmRestarts,
  cosineDecay,
  cosineDecayRestarts,
  exponentialDecay,
  geronOneCycle,
  inverseTimeDecay,
  linearWarmup,
  multiStepDecay,
  oneCycle,
  piecewiseConstant,
  polynomialDecay,
  powerDecay,
  stepDecay,
} from '@steadygrad/schedules';
import {
  binaryAccuracy,
  categoricalCrossentropy,
  compile,
  EarlyStopping,
  findLearningRate,
  gradientMonitor,
  ProgressBar,
  probeLayers,
  ReduceLROnPlateau,
  sparseCategoricalAccuracy,
  sparseCategoricalCrossentropy,
  TerminateOnNaN,
  writeCheckpoint,
} from '@steadygrad/train';

/** An options object as the catalogue passes it. */
export type Options = Record<string, unknown>;

/** A one-layer model for the calls that need one. */
export function smallModel(): Sequential {
  return new Sequential([new Dense({ units: 2, activation: 'softmax', inputShape: [2] })], { seed: 1 });
}

/** A [4, 2] input batch. */
export const x = () => tf.tensor2d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [4, 2]);
/** Its labels. */
export const y = () => tf.tensor1d([0, 1, 0, 1], 'int32');
/** A two-image dataset split. */
export const split = () => ({
  images: new Uint8Array(2 * 4),
  labels: new Uint8Array(2),
  count: 2,
  rows: 2,
  cols: 2,
});

/**
 * `trainer.fit` on a fresh model, everything it made disposed afterwards (a named helper: biome's focused-test
 * rule mistakes `.fit(` for jasmine's `fit`).
 */
export async function fitWith(o: Options): Promise<unknown> {
  const m = smallModel();
  const [xs, ys] = [x(), y()];
  const t = compile(m, { loss: 'sparse_categorical_crossentropy', optimizer: sgd() });
  try {
    return await t.fit(xs, ys, o);
  } finally {
    t.dispose();
    m.dispose();
    tf.dispose([xs, ys]);
  }
}

/** Every public options type: how to call the API that takes it, with `o` as that options object. */
export const OPTION_TYPES: Readonly<Record<string, (o: Options) => unknown>> = {
  // optim
  SgdOptions: (o) => sgd(o),
  AdamOptions: (o) => adam(o),
  AdamwOptions: (o) => adamw(o),
  NadamOptions: (o) => nadam(o),
  AdamaxOptions: (o) => adamax(o),
  AdagradOptions: (o) => adagrad(o),
  RmspropOptions: (o) => rmsprop(o),
  ApplyIfFiniteOptions: (o) => applyIfFinite(sgd(), o),
  ClippingOptions: (o) => sgd(o),
  ScaleByAdamOptions: (o) => scaleByAdam(o),
  ScaleByAdamaxOptions: (o) => scaleByAdamax(o),
  ScaleByNadamOptions: (o) => scaleByNadam(o),
  ScaleByAdagradOptions: (o) => scaleByAdagrad(o),
  ScaleByRmsOptions: (o) => scaleByRms(o),
  TraceOptions: (o) => trace(o as never),
  AddDecayedWeightsOptions: (o) => addDecayedWeights(0.1, o),
  // schedules
  CosineAnnealingOptions: (o) => cosineAnnealing(o as never),
  CosineAnnealingWarmRestartsOptions: (o) => cosineAnnealingWarmRestarts(o as never),
  CosineDecayOptions: (o) => cosineDecay(o as never),
  CosineDecayRestartsOptions: (o) => cosineDecayRestarts(o as never),
  ExponentialDecayOptions: (o) => exponentialDecay(o as never),
  GeronOneCycleOptions: (o) => geronOneCycle(o as never),
  InverseTimeDecayOptions: (o) => inverseTimeDecay(o as never),
  LinearWarmupOptions: (o) => linearWarmup(o as never),
  MultiStepDecayOptions: (o) => multiStepDecay(o as never),
  OneCycleOptions: (o) => oneCycle(o as never),
  PiecewiseConstantOptions: (o) => piecewiseConstant(o as never),
  PolynomialDecayOptions: (o) => polynomialDecay(o as never),
  PowerDecayOptions: (o) => powerDecay(o as never),
  StepDecayOptions: (o) => stepDecay(o as never),
  // initializers
  IdentityOptions: (o) => identity(o),
  OrthogonalOptions: (o) => orthogonal(o),
  RandomNormalOptions: (o) => randomNormal(o),
  RandomUniformOptions: (o) => randomUniform(o),
  TruncatedNormalOptions: (o) => truncatedNormal(o),
  VarianceScalingOptions: (o) => varianceScaling(o),
  // activations
  EluOptions: (o) => elu(o),
  GeluOptions: (o) => gelu(o),
  LeakyReluOptions: (o) => leakyRelu(o),
  RreluOptions: (o) => rreluApply(tf.zeros([1]), o),
  SoftmaxOptions: (o) => softmax(o),
  PairingCheckOptions: (o) => checkDropoutPairings({ layers: [] }, o),
  // nn
  LayerOptions: (o) => new Dense({ units: 1, ...o }),
  DenseOptions: (o) => new Dense({ units: 1, ...o }),
  ActivationOptions: (o) => new Activation({ activation: 'relu', ...o }),
  LeakyReLUOptions: (o) => new LeakyReLU(o),
  PReLUOptions: (o) => new PReLU(o),
  RReLUOptions: (o) => new RReLU(o),
  SequentialOptions: (o) => new Sequential([], o),
  SummaryOptions: (o) => smallModel().summary({ print: () => {}, ...o }),
  CheckPairingsOptions: (o) => checkPairings([], o),
  ConvCommonOptions: (o) => new Conv2D({ filters: 1, kernelSize: 1, ...o }),
  Conv2DOptions: (o) => new Conv2D({ filters: 1, kernelSize: 1, ...o }),
  Conv1DOptions: (o) => new Conv1D({ filters: 1, kernelSize: 1, ...o }),
  DepthwiseWindowOptions: (o) => new DepthwiseConv2D({ kernelSize: 1, ...o }),
  DepthwiseConv2DOptions: (o) => new DepthwiseConv2D({ kernelSize: 1, ...o }),
  SeparableConv2DOptions: (o) => new SeparableConv2D({ filters: 1, kernelSize: 1, ...o }),
  Pooling2DOptions: (o) => new MaxPooling2D(o),
  GlobalPooling2DOptions: (o) => new GlobalAveragePooling2D(o),
  ZeroPadding2DOptions: (o) => new ZeroPadding2D(o),
  ReshapeOptions: (o) => new Reshape({ targetShape: [1], ...o }),
  ReLUOptions: (o) => new ReLU(o),
  ConcatenateOptions: (o) => new Concatenate(o),
  InputOptions: (o) => input({ shape: [1], ...o }),
  ModelOptions: (o) => new Model(o as never),
  // normalization
  AffineOptions: (o) => new BatchNormalization(o),
  BatchNormalizationOptions: (o) => new BatchNormalization(o),
  LayerNormalizationOptions: (o) => new LayerNormalization(o),
  GroupNormalizationOptions: (o) => new GroupNormalization(o),
  RMSNormalizationOptions: (o) => new RMSNormalization(o),
  PyTorchBatchNormOptions: (o) => fromPyTorchBatchNorm(o),
  // regularization
  StochasticLayerOptions: (o) => new Dropout({ rate: 0.5, ...o }),
  DropoutOptions: (o) => new Dropout({ rate: 0.5, ...o }),
  AlphaDropoutOptions: (o) => new AlphaDropout({ rate: 0.5, ...o }),
  GaussianDropoutOptions: (o) => new GaussianDropout({ rate: 0.5, ...o }),
  GaussianNoiseOptions: (o) => new GaussianNoise({ stddev: 0.5, ...o }),
  SpatialDropoutOptions: (o) => new SpatialDropout2D({ rate: 0.5, ...o }),
  MaxNormOptions: (o) => maxNorm(2, o),
  UnitNormOptions: (o) => unitNorm(o),
  MinMaxNormOptions: (o) => minMaxNorm(o),
  L1L2Options: (o) => l1l2(o),
  McPredictOptions: (o) => mcPredict(smallModel(), x(), o),
  CheckDropoutPairingsOptions: (o) => checkDropoutPairings({ layers: [] }, o),
  // train
  CompileOptions: (o) => compile(smallModel(), { loss: 'mse', optimizer: sgd(), ...o }),
  FitOptions: (o) => fitWith(o),
  CheckpointOptions: (o) => fitWith({ checkpoint: { dir: '/nonexistent/never-written', ...o } }),
  EvaluateOptions: (o) => compile(smallModel(), { loss: 'mse', optimizer: sgd() }).evaluate(x(), y(), o),
  PredictOptions: (o) => compile(smallModel(), { loss: 'mse', optimizer: sgd() }).predict(x(), o),
  TrainOnBatchOptions: (o) =>
    compile(smallModel(), { loss: 'sparse_categorical_crossentropy', optimizer: sgd() }).trainOnBatch(
      x(),
      y(),
      o,
    ),
  EarlyStoppingOptions: (o) => new EarlyStopping(o),
  ReduceLROnPlateauOptions: (o) => new ReduceLROnPlateau(o),
  TerminateOnNaNOptions: (o) => new TerminateOnNaN(o),
  CrossentropyOptions: (o) => sparseCategoricalCrossentropy(o),
  SmoothedCrossentropyOptions: (o) => categoricalCrossentropy(o),
  AccuracyOptions: (o) => sparseCategoricalAccuracy(o),
  BinaryAccuracyOptions: (o) => binaryAccuracy(o),
  FindLearningRateOptions: (o) => findLearningRate(smallModel(), x(), y(), o),
  ProbeOptions: (o) => probeLayers(smallModel().layers, x(), y(), { loss: 'mse', ...o }),
  GradientMonitorOptions: (o) => gradientMonitor({ x: x(), y: y(), ...o } as never),
  // datasets
  ParseIdxOptions: (o) => parseIdxHeader(new Uint8Array(0), o),
  ReadIdxOptions: (o) => parseIdxHeader(new Uint8Array(0), o),
  ImageSourceOptions: (o) => imageSource(split() as never, o),
  LabelSourceOptions: (o) => labelSource(split() as never, o),
  TransferSplitOptions: (o) => transferSplit(split() as never, o),
  // interop
  CheckLayersModelOptions: (o) => checkLayersModelJson({}, o),
  FromLayersModelOptions: (o) => fromLayersModel({}, new Uint8Array(0), o),
  LoadLayersModelOptions: (o) => loadLayersModel('/nonexistent/never-read', o),
  // core (an unknown key is refused before anything happens: no backend switch, no file read)
  UseBackendOptions: (o) => useBackend('cpu', o),
  FastestBackendOptions: (o) => useFastestBackend(() => {}, { candidates: ['cpu'], ...o }),
  ArraySourceOptions: (o) => arraySource(new Uint8Array(4), [2], o),
  ReadRegularFileOptions: (o) => readRegularFile('/nonexistent/never-read', { maxBytes: 1, ...o }),
  RemoveStaleTempFilesOptions: (o) => removeStaleTempFiles('/nonexistent', { match: /x/, ...o }),
  // datasets (no download, no file read: the check comes first)
  ValidationSplitOptions: (o) => validationSplit(split() as never, o),
  FashionMnistFromIdxOptions: (o) => fashionMnistFromIdx({} as never, o),
  LocateFashionMnistOptions: (o) => locateFashionMnist({ download: false, ...o }),
  LoadFashionMnistOptions: (o) => loadFashionMnist({ download: false, ...o }),
  DownloadFashionMnistOptions: (o) => downloadFashionMnist({ dir: '/nonexistent/never-written', ...o }),
  // train
  ProgressBarOptions: (o) => new ProgressBar(o),
  WriteCheckpointOptions: (o) => writeCheckpoint('/nonexistent/never-written', {}, new Map(), o),
};

/**
 * Exported `…Options` interfaces that are not user options objects, or whose check is not in yet; each with
 * the reason. The scan below fails when a new options interface is in neither table.
 */
export const EXEMPT: Readonly<Record<string, string>> = {
  SteadygradErrorOptions: 'the fields of an error being built, not options of a call',
  HostThreadsOptions: 'kernel internals (core)',
  HostMatMulOptions: 'kernel internals (core)',
  AssembleOptions: 'kernel internals (core)',
  AddParameterOptions: 'layer-author API (Layer.addParameter)',
  KerasBatchNormOptions: "a return value (fromPyTorchBatchNorm's result), not an input",
  BatchNormTrainingOptions: 'low-level op arguments (required fields, checked by the op)',
  BatchNormInferenceOptions: 'low-level op arguments (required fields, checked by the op)',
  BatchNormRowsOptions:
    "a layer's state handed to core's batchNormTrainRows by BatchNormalization (kernel internals)",
  PartialLayerOptions: 'a type utility',
  LayerOptionsOf: 'a type utility',
  PlanOptions: "interop's internal loader plan (not exported from the package)",
};
