export { loadLayersModel, saveLayersModel } from '#layers-model-files';
export type { CheckedLayersModel } from './check-layers-model.js';
export { checkLayersModelJson, DEFAULT_MAX_WEIGHT_BYTES } from './check-layers-model.js';
export type { FromLayersModelOptions } from './from-layers-model.js';
export { fromLayersModel } from './from-layers-model.js';
export type { FunctionalConfigJson, FunctionalLayerJson } from './functional-json.js';
export type {
  FunctionalTopology,
  KerasLayerJson,
  KerasObject,
  LayersModelJson,
  SequentialTopology,
  WeightSpec,
  WeightsGroup,
} from './keras-format.js';
export { KERAS_BACKEND, KERAS_VERSION, MODEL_FILE, WEIGHTS_FILE } from './keras-format.js';
export {
  activationFromKeras,
  activationToKeras,
  constraintFromKeras,
  constraintToKeras,
  initializerFromKeras,
  initializerToKeras,
  regularizerFromKeras,
  regularizerToKeras,
} from './keras-objects.js';
export type { LoadLayersModelOptions, SavedLayersModel } from './layers-model-files.js';
export { loadLayersModelFrom, saveLayersModelTo } from './layers-model-handler.js';
export type { ModelPlan, PlannedParameter } from './parameter-plan.js';
export type { ParsedSpec } from './read-layers-model-json.js';
export { readLayersModelJson } from './read-layers-model-json.js';
export type { LayersModelArtifacts } from './to-layers-model.js';
export { SUPPORTED_LAYERS, toLayersModel } from './to-layers-model.js';
