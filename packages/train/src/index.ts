export type { DataLike } from './batching.js';
export { epochOrder, epochStreams, sliceSource, splitLast, stepsPerEpoch } from './batching.js';
export type { BatchLogs, Callback, Logs, TrainingParams } from './callbacks.js';
export { CallbackList, History } from './callbacks.js';
export type { LabelExpectation } from './check-data.js';
export { checkFiniteInput, checkTargets } from './check-data.js';
export { DeviceAccumulator } from './device-accumulator.js';
export type {
  GradientMonitorOptions,
  GradientRecord,
  LayerProbe,
  LayerStatisticKey,
  LayerStatistics,
  ProbeOptions,
  UnitActivityKind,
} from './gradient-monitor.js';
export { GradientMonitor, gradientMonitor, layerActivity, probeLayers } from './gradient-monitor.js';
export type {
  CrossentropyOptions,
  Loss,
  LossFunction,
  LossKind,
  LossLike,
  SmoothedCrossentropyOptions,
} from './losses.js';
export {
  binaryCrossentropy,
  categoricalCrossentropy,
  EPSILON,
  getLoss,
  isLoss,
  LOSS_NAMES,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from './losses.js';
export type { AccuracyOptions, BinaryAccuracyOptions, Metric, MetricContext, MetricLike } from './metrics.js';
export {
  binaryAccuracy,
  categoricalAccuracy,
  getMetric,
  METRIC_NAMES,
  meanAbsoluteError,
  meanSquaredErrorMetric,
  resolveAccuracy,
  sparseCategoricalAccuracy,
} from './metrics.js';
export type { ProgressBarOptions, ProgressStream } from './progress-bar.js';
export { formatLogs, formatLogValue, ProgressBar } from './progress-bar.js';
export type { NonFiniteLoss, TerminateOnNaNOptions } from './terminate-on-nan.js';
export { TerminateOnNaN, terminateOnNaN } from './terminate-on-nan.js';
export type {
  CompileOptions,
  EvaluateOptions,
  FitOptions,
  OptimizerLike,
  PredictOptions,
  TrainableModel,
  Verbose,
} from './trainer.js';
export { compile, Trainer } from './trainer.js';
