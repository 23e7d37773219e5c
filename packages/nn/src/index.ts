export type { ActivationOptions } from './activation-layer.js';
export { Activation } from './activation-layer.js';
export type { DenseOptions } from './dense.js';
export { Dense } from './dense.js';
export { Flatten } from './flatten.js';
export type { AddParameterOptions, CallContext, LayerOptions, Shape } from './layer.js';
export { formatShape, Layer, toSnakeCase } from './layer.js';
export type { LayerSummary, ModelSummary, SequentialOptions, SummaryOptions } from './sequential.js';
export { Sequential } from './sequential.js';
