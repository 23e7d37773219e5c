import { type Constraint, type Regularizer, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import {
  Activation,
  Add,
  Concatenate,
  Dense,
  Flatten,
  type Layer,
  Model,
  Multiply,
  type Sequential,
} from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { Dropout } from '@steadygrad/regularization';
import { CONV_LAYER_CLASSES, convLayerToKeras } from './conv-layers-json.js';
import { functionalConfig } from './functional-json.js';
import {
  KERAS_BACKEND,
  KERAS_VERSION,
  type KerasLayerJson,
  type LayersModelJson,
  WEIGHTS_FILE,
  type WeightSpec,
} from './keras-format.js';
import {
  activationToKeras,
  constraintToKeras,
  initializerToKeras,
  regularizerToKeras,
} from './keras-objects.js';

/** What {@link toLayersModel} returns: the `model.json` object and the float32 weight bytes it describes. */
export interface LayersModelArtifacts {
  readonly modelJson: LayersModelJson;
  /** All weights, float32 little-endian, in `modelJson.weightsManifest[0].weights` order. */
  readonly weightData: ArrayBuffer;
}

/** The layer classes that can be saved in (and loaded from) the tfjs-layers format. */
export const SUPPORTED_LAYERS = [
  'Dense',
  'Flatten',
  'Activation',
  'BatchNormalization',
  'Dropout',
  'Add',
  'Multiply',
  'Concatenate',
  ...CONV_LAYER_CLASSES,
] as const;

function where(layer: Layer): string {
  return `layer '${layer.name}' (${layer.className})`;
}

// BatchNormalization keeps its gamma/beta regularizers and constraints in private fields; read them
// defensively (a missing field reads as none).
function bnOption<K extends 'regularizers' | 'constraints'>(
  layer: BatchNormalization,
  key: K,
): K extends 'regularizers'
  ? { beta?: Regularizer; gamma?: Regularizer }
  : { beta?: Constraint; gamma?: Constraint } {
  const v = (layer as unknown as Record<string, unknown>)[key];
  return (typeof v === 'object' && v !== null ? v : {}) as never;
}

function layerToKeras(
  layer: Layer,
  index: number,
  batchInputShape: readonly (number | null)[],
): KerasLayerJson {
  const w = where(layer);
  const base: Record<string, unknown> = { name: layer.name, trainable: layer.trainable };
  if (index === 0) {
    base.batch_input_shape = [...batchInputShape];
    base.dtype = 'float32';
  }
  const conv = convLayerToKeras(layer, w);
  if (conv !== undefined) return { class_name: conv.class_name, config: { ...conv.config, ...base } };
  if (layer instanceof Dense) {
    return {
      class_name: 'Dense',
      config: {
        units: layer.units,
        activation: activationToKeras(layer.activation, w),
        use_bias: layer.useBias,
        kernel_initializer: initializerToKeras(layer.kernelInitializer, w),
        bias_initializer: initializerToKeras(layer.biasInitializer, w),
        kernel_regularizer: regularizerToKeras(layer.kernelRegularizer, w),
        bias_regularizer: regularizerToKeras(layer.biasRegularizer, w),
        activity_regularizer: regularizerToKeras(layer.activityRegularizer, w),
        kernel_constraint: constraintToKeras(layer.kernelConstraint, w),
        bias_constraint: constraintToKeras(layer.biasConstraint, w),
        ...base,
      },
    };
  }
  if (layer instanceof Flatten) {
    return { class_name: 'Flatten', config: { data_format: 'channels_last', ...base } };
  }
  if (layer instanceof Activation) {
    return {
      class_name: 'Activation',
      config: { activation: activationToKeras(layer.activation, w), ...base },
    };
  }
  if (layer instanceof BatchNormalization) {
    const config = layer.getConfig();
    const regs = bnOption(layer, 'regularizers');
    const cons = bnOption(layer, 'constraints');
    return {
      class_name: 'BatchNormalization',
      config: {
        axis: layer.axis,
        momentum: layer.momentum,
        epsilon: layer.epsilon,
        center: layer.center,
        scale: layer.scale,
        beta_initializer: initializerToKeras(String(config.betaInitializer ?? 'zeros'), w),
        gamma_initializer: initializerToKeras(String(config.gammaInitializer ?? 'ones'), w),
        moving_mean_initializer: initializerToKeras(String(config.movingMeanInitializer ?? 'zeros'), w),
        moving_variance_initializer: initializerToKeras(
          String(config.movingVarianceInitializer ?? 'ones'),
          w,
        ),
        beta_regularizer: regularizerToKeras(regs.beta, w),
        gamma_regularizer: regularizerToKeras(regs.gamma, w),
        beta_constraint: constraintToKeras(cons.beta, w),
        gamma_constraint: constraintToKeras(cons.gamma, w),
        ...base,
      },
    };
  }
  if (layer instanceof Dropout) {
    const config = layer.getConfig();
    return {
      class_name: 'Dropout',
      config: {
        rate: layer.rate,
        noise_shape: layer.noiseShape === undefined ? null : [...layer.noiseShape],
        seed: typeof config.seed === 'number' ? config.seed : null,
        ...base,
      },
    };
  }
  if (layer instanceof Add || layer instanceof Multiply) return { class_name: layer.className, config: base };
  if (layer instanceof Concatenate)
    return { class_name: 'Concatenate', config: { axis: layer.axis, ...base } };
  throw new SteadygradError(
    'INCOMPATIBLE',
    `${w} cannot be saved in the tfjs-layers format: supported layers are ${SUPPORTED_LAYERS.join(', ')}`,
    { details: { layer: layer.name, className: layer.className, supported: SUPPORTED_LAYERS } },
  );
}

/**
 * Converts a built {@link Sequential} to the tfjs-layers `model.json` object and its weight bytes, without
 * touching any file (browser-safe). Weights are listed layer by layer in each layer's parameter order
 * (Keras order: kernel, bias; gamma, beta, moving_mean, moving_variance) and named `${layer}/${weight}`.
 *
 * @throws SteadygradError `NOT_BUILT` when the model's input shape is unknown; `INCOMPATIBLE` naming the
 *   layer for a layer, activation, initializer, regularizer or constraint tfjs-layers cannot express.
 */
export function toLayersModel(model: Sequential | Model): LayersModelArtifacts {
  if (model instanceof Model) {
    const config = functionalConfig(model, (l) => layerToKeras(l, -1, []));
    return artifacts(model, {
      class_name: 'Model',
      config,
      keras_version: KERAS_VERSION,
      backend: KERAS_BACKEND,
    });
  }
  if (!model.built) {
    if (model.inputShape === undefined) {
      throw new SteadygradError(
        'NOT_BUILT',
        `model '${model.name}' is not built: build it (model.build([null, ...sampleShape])) or apply it once before saving`,
      );
    }
    model.build();
  }
  const inputShape = model.inputShape!;
  if (model.layers.length === 0)
    throw new SteadygradError('INVALID_ARGUMENT', `model '${model.name}' has no layers`);
  const layers = model.layers.map((l, i) => layerToKeras(l, i, inputShape));
  return artifacts(model, {
    class_name: 'Sequential',
    config: { name: model.name, layers },
    keras_version: KERAS_VERSION,
    backend: KERAS_BACKEND,
  });
}

/** The model.json around `modelTopology`, and the weights of every layer in order. */
function artifacts(
  model: Sequential | Model,
  modelTopology: LayersModelJson['modelTopology'],
): LayersModelArtifacts {
  const specs: WeightSpec[] = [];
  const tensors: Tensor[] = [];
  for (const layer of model.layers) {
    for (const p of layer.parameters) {
      specs.push({ name: p.name, shape: [...p.shape], dtype: 'float32' });
      tensors.push(p.variable);
    }
  }
  const total = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const t of tensors) {
    let values: Float32Array;
    if (t.dtype === 'float32') values = t.dataSync() as Float32Array;
    else {
      const cast = tf.cast(t, 'float32');
      values = cast.dataSync() as Float32Array;
      cast.dispose();
    }
    data.set(values, offset);
    offset += values.length;
  }
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'steadygrad @steadygrad/interop',
      convertedBy: null,
      modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
    },
    weightData: data.buffer,
  };
}
