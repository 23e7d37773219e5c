export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  hasCheckpoint,
  prepareCheckpointDir,
  readCheckpoint,
  writeCheckpoint,
} from '#checkpoint-io';
export { ProgressBar } from '#progress-bar';
export type { DataLike } from './batching.js';
export { epochOrder, epochStreams, sliceSource, splitLast, stepsPerEpoch } from './batching.js';
export type { CallbackState, CheckedCallbackState, StatefulCallback } from './callback-state.js';
export { isCount, isStatefulCallback } from './callback-state.js';
export type { BatchLogs, Callback, Logs, TrainingParams } from './callbacks.js';
export { CallbackList, History } from './callbacks.js';
export type { LabelExpectation } from './check-data.js';
export { checkFiniteInput, checkTargets, checkTargetsSync } from './check-data.js';
export type { CheckpointOptions } from './checkpoint.js';
export type {
  CheckpointFile,
  HostTensor,
  ManifestEntry,
  WriteCheckpointOptions,
} from './checkpoint-format.js';
export type { RunPosition, TrainingCheckpointMeta } from './checkpoint-meta.js';
export { checkTrainingMeta } from './checkpoint-meta.js';
export type { LoadedCheckpointWeights } from './checkpoint-weights.js';
export { loadCheckpointWeights } from './checkpoint-weights.js';
export type { CompileOptions } from './compile-options.js';
export { DeviceAccumulator } from './device-accumulator.js';
export type { EarlyStoppingOptions } from './early-stopping.js';
export { EarlyStopping, earlyStopping } from './early-stopping.js';
export type { EvaluateOptions, PredictOptions } from './evaluate.js';
export type { FindLearningRateOptions, LearningRateSweep } from './find-learning-rate.js';
export { findLearningRate } from './find-learning-rate.js';
export type { FitOptions, Verbose } from './fit-options.js';
export type {
  GradientMonitorOptions,
  GradientRecord,
  LayerStatisticKey,
} from './gradient-monitor.js';
export { GradientMonitor, gradientMonitor } from './gradient-monitor.js';
export type { LayerProbe, LayerStatistics, ProbeOptions, UnitActivityKind } from './layer-probe.js';
export { layerActivity, probeLayers } from './layer-probe.js';
export type { EpochSchedule } from './learning-rate-scheduler.js';
export { learningRateScheduler } from './learning-rate-scheduler.js';
export type { ProgressBarOptions, ProgressStream } from './log-format.js';
export { formatLogs, formatLogValue } from './log-format.js';
export type {
  CrossentropyOptions,
  KerasLossName,
  Loss,
  LossFunction,
  LossKind,
  LossLike,
  LossName,
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
  probabilityClip,
  SOFTMAX_FLOOR,
  sparseCategoricalCrossentropy,
} from './losses.js';
export type {
  AccuracyOptions,
  BinaryAccuracyOptions,
  KerasMetricName,
  Metric,
  MetricContext,
  MetricLike,
  MetricName,
} from './metrics.js';
export {
  binaryAccuracy,
  categoricalAccuracy,
  getMetric,
  METRIC_NAMES,
  meanAbsoluteError,
  meanSquaredErrorMetric,
  resolveAccuracy,
  resolveMetricName,
  sparseCategoricalAccuracy,
} from './metrics.js';
export type { MonitorMode } from './monitor.js';
export type { NonFiniteMode } from './non-finite-guard.js';
export { NON_FINITE_MODES } from './non-finite-guard.js';
export type { ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { ReduceLROnPlateau, reduceLROnPlateau } from './reduce-lr-on-plateau.js';
export type { NonFiniteLoss, TerminateOnNaNOptions } from './terminate-on-nan.js';
export { TerminateOnNaN, terminateOnNaN } from './terminate-on-nan.js';
export type { TrainOnBatchOptions } from './train-step.js';
export { compile, Trainer } from './trainer.js';
export type { OptimizerLike, TrainableModel } from './trainer-contract.js';
