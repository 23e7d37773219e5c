export type { AddParameterOptions, CallContext, LayerOptions, Shape } from './layer.js';
export { formatShape, Layer, toSnakeCase } from './layer.js';
