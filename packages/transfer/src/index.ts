export type {
  AutoencoderOptions,
  PretrainGreedyOptions,
  PretrainOptions,
  ReconstructionLoss,
} from './autoencoder.js';
export { Autoencoder } from './autoencoder.js';
export type { ClassifierFromEncoderOptions } from './classifier-from-encoder.js';
export { classifierFromEncoder } from './classifier-from-encoder.js';
export type { CloneLayerOptions, LayerCloner } from './clone-layer.js';
export { cloneLayer } from './clone-layer.js';
export type { CloneModelOptions } from './clone-model.js';
export { cloneModel, copyWeights } from './clone-model.js';
export type { DiscriminativeGroups } from './discriminative-optimizer.js';
export { discriminativeOptimizer } from './discriminative-optimizer.js';
export type { FineTuneOptions, FineTuneResult } from './fine-tune.js';
export { fineTune } from './fine-tune.js';
export { freeze, setTrainable, unfreeze } from './freeze.js';
export { checkHeadFits, checkInputShape, outputShapeOf, sampleShape } from './input-shapes.js';
export type { LayerContainer, LayerSelector } from './layer-selector.js';
export { layersOf, selectLayerIndices, selectLayers } from './layer-selector.js';
export type { Applicable } from './predict-in-batches.js';
export { predictInBatches } from './predict-in-batches.js';
export type { ReshapeOptions } from './reshape.js';
export { Reshape } from './reshape.js';
export type { ReuseLayersOptions } from './reuse-layers.js';
export { reuseLayers } from './reuse-layers.js';
export type { TransferModel, TransferModelOptions } from './transfer-model.js';
export { transferModel } from './transfer-model.js';
