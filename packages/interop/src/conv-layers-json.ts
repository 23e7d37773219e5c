import { SteadygradError } from '@steadygrad/core';
import {
  AveragePooling2D,
  Conv1D,
  Conv2D,
  DepthwiseConv2D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  type Layer,
  MaxPooling2D,
  ReLU,
  Reshape,
  SeparableConv2D,
  type Shape,
  ZeroPadding2D,
} from '@steadygrad/nn';
import type { KerasLayerJson } from './keras-format.js';
import {
  activationFromKeras,
  activationToKeras,
  constraintFromKeras,
  constraintToKeras,
  initializerFromKeras,
  initializerToKeras,
  regularizerFromKeras,
  regularizerToKeras,
} from './keras-objects.js';

/**
 * The convolutional layers' entries of the tfjs-layers / Keras class table: the class names, their configs
 * (snake_case, channels_last) and their weights (`kernel`, `depthwise_kernel`, `pointwise_kernel`, `bias`,
 * the names tfjs-layers and tf.keras use), both ways.
 */
export const CONV_LAYER_CLASSES = [
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'Conv1D',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'ZeroPadding2D',
  'Reshape',
  'ReLU',
] as const;

type Json = Record<string, unknown>;

function incompatible(where: string, message: string): SteadygradError {
  return new SteadygradError('INCOMPATIBLE', `${where}: ${message}`, { details: { where } });
}

function corrupt(where: string, message: string): SteadygradError {
  return new SteadygradError('CORRUPT_DATA', `${where}: ${message}`, { details: { where } });
}

function channelsLast(where: string, config: Json): void {
  const df = config.data_format;
  if (df !== undefined && df !== null && df !== 'channels_last') {
    throw incompatible(
      where,
      `data_format ${JSON.stringify(df)} is not supported (steadygrad's layers are channels_last)`,
    );
  }
}

/** Keras "int or tuple" values as stored (`3`, `[3]`, `[3, 3]`); the layer validates them. */
function tuple(config: Json, key: string): unknown {
  const v = config[key];
  return v === null ? undefined : v;
}

/** Optional object-valued options: undefined ones are left out so the layer's Keras default applies. */
function defined(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

function common(where: string, config: Json): Record<string, unknown> {
  return defined({
    activation: activationFromKeras(config.activation, where),
    useBias: config.use_bias ?? undefined,
    biasInitializer: initializerFromKeras(config.bias_initializer, where),
    biasRegularizer: regularizerFromKeras(config.bias_regularizer, where),
    activityRegularizer: regularizerFromKeras(config.activity_regularizer, where),
    biasConstraint: constraintFromKeras(config.bias_constraint, where),
  });
}

function window(_where: string, config: Json): Record<string, unknown> {
  return defined({
    kernelSize: tuple(config, 'kernel_size'),
    strides: tuple(config, 'strides'),
    padding: config.padding ?? undefined,
    dilationRate: tuple(config, 'dilation_rate'),
  });
}

function depthwise(where: string, config: Json): Record<string, unknown> {
  return defined({
    depthMultiplier: config.depth_multiplier ?? undefined,
    depthwiseInitializer: initializerFromKeras(config.depthwise_initializer, where),
    depthwiseRegularizer: regularizerFromKeras(config.depthwise_regularizer, where),
    depthwiseConstraint: constraintFromKeras(config.depthwise_constraint, where),
  });
}

function kernel(where: string, config: Json): Record<string, unknown> {
  return defined({
    kernelInitializer: initializerFromKeras(config.kernel_initializer, where),
    kernelRegularizer: regularizerFromKeras(config.kernel_regularizer, where),
    kernelConstraint: constraintFromKeras(config.kernel_constraint, where),
  });
}

/**
 * The steadygrad layer for a convolutional tfjs-layers / Keras layer entry, or `undefined` when the class is
 * not one of {@link CONV_LAYER_CLASSES}. Option errors the layer raises are reported as `CORRUPT_DATA`
 * naming the layer in the file.
 */
export function convLayerFromKeras(entry: KerasLayerJson, where: string, base: Json): Layer | undefined {
  const config = entry.config;
  if (!(CONV_LAYER_CLASSES as readonly string[]).includes(entry.class_name)) return undefined;
  channelsLast(where, config);
  const make = (): Layer => {
    switch (entry.class_name as (typeof CONV_LAYER_CLASSES)[number]) {
      case 'Conv2D':
        return new Conv2D({
          ...base,
          filters: config.filters as number,
          ...window(where, config),
          ...defined({ groups: config.groups ?? undefined }),
          ...kernel(where, config),
          ...common(where, config),
        } as never);
      case 'Conv1D':
        return new Conv1D({
          ...base,
          filters: config.filters as number,
          ...window(where, config),
          ...kernel(where, config),
          ...common(where, config),
        } as never);
      case 'DepthwiseConv2D':
        return new DepthwiseConv2D({
          ...base,
          ...window(where, config),
          ...depthwise(where, config),
          ...common(where, config),
        } as never);
      case 'SeparableConv2D':
        return new SeparableConv2D({
          ...base,
          filters: config.filters as number,
          ...window(where, config),
          ...depthwise(where, config),
          ...defined({
            pointwiseInitializer: initializerFromKeras(config.pointwise_initializer, where),
            pointwiseRegularizer: regularizerFromKeras(config.pointwise_regularizer, where),
            pointwiseConstraint: constraintFromKeras(config.pointwise_constraint, where),
          }),
          ...common(where, config),
        } as never);
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const options = {
          ...base,
          ...defined({
            poolSize: tuple(config, 'pool_size'),
            strides: tuple(config, 'strides'),
            padding: config.padding ?? undefined,
          }),
        };
        return entry.class_name === 'MaxPooling2D'
          ? new MaxPooling2D(options as never)
          : new AveragePooling2D(options as never);
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        const options = { ...base, ...defined({ keepdims: config.keepdims ?? undefined }) };
        return entry.class_name === 'GlobalAveragePooling2D'
          ? new GlobalAveragePooling2D(options as never)
          : new GlobalMaxPooling2D(options as never);
      }
      case 'ZeroPadding2D':
        return new ZeroPadding2D({ ...base, ...defined({ padding: config.padding ?? undefined }) } as never);
      case 'Reshape':
        return new Reshape({ ...base, targetShape: config.target_shape } as never);
      case 'ReLU':
        return new ReLU({
          ...base,
          ...defined({
            maxValue: config.max_value ?? undefined,
            negativeSlope: config.negative_slope ?? undefined,
            threshold: config.threshold ?? undefined,
          }),
        } as never);
    }
  };
  try {
    return make();
  } catch (e) {
    if (e instanceof SteadygradError && (e.code === 'INVALID_ARGUMENT' || e.code === 'UNKNOWN_OPTION')) {
      throw corrupt(where, e.message);
    }
    throw e;
  }
}

function objects(prefix: string, layer: Layer, w: string, keys: Record<string, string>): Json {
  const source = layer as unknown as Record<string, unknown>;
  const out: Json = {};
  for (const [ours, theirs] of Object.entries(keys)) {
    const value = source[ours];
    if (ours.endsWith('Initializer')) out[theirs] = initializerToKeras(value as never, `${w} ${prefix}`);
    else if (ours.endsWith('Regularizer')) out[theirs] = regularizerToKeras(value as never, w);
    else out[theirs] = constraintToKeras(value as never, w);
  }
  return out;
}

const BIAS_KEYS = {
  biasInitializer: 'bias_initializer',
  biasRegularizer: 'bias_regularizer',
  activityRegularizer: 'activity_regularizer',
  biasConstraint: 'bias_constraint',
};

/**
 * The tfjs-layers / Keras `{ class_name, config }` of a convolutional layer (without the base keys: name,
 * trainable, input shape), or `undefined` when the layer is not one of {@link CONV_LAYER_CLASSES}.
 */
export function convLayerToKeras(layer: Layer, w: string): KerasLayerJson | undefined {
  const df = { data_format: 'channels_last' };
  if (layer instanceof Conv2D || layer instanceof Conv1D) {
    const is2d = layer instanceof Conv2D;
    return {
      class_name: layer.className,
      config: {
        filters: layer.filters,
        kernel_size: is2d ? [...layer.kernelSize] : [layer.kernelSize],
        strides: is2d ? [...layer.strides] : [layer.strides],
        padding: layer.padding,
        ...df,
        dilation_rate: is2d ? [...layer.dilationRate] : [layer.dilationRate],
        ...(is2d && layer.groups !== 1 ? { groups: layer.groups } : {}),
        activation: activationToKeras(layer.activation, w),
        use_bias: layer.useBias,
        ...objects('kernel', layer, w, {
          kernelInitializer: 'kernel_initializer',
          kernelRegularizer: 'kernel_regularizer',
          kernelConstraint: 'kernel_constraint',
        }),
        ...objects('bias', layer, w, BIAS_KEYS),
      },
    };
  }
  if (layer instanceof DepthwiseConv2D || layer instanceof SeparableConv2D) {
    const win = layer.window;
    const src = win as unknown as Layer;
    return {
      class_name: layer.className,
      config: {
        ...(layer instanceof SeparableConv2D ? { filters: layer.filters } : {}),
        kernel_size: [...win.kernelSize],
        strides: [...win.strides],
        padding: win.padding,
        ...df,
        dilation_rate: [...win.dilationRate],
        depth_multiplier: win.depthMultiplier,
        activation: activationToKeras(layer.activation, w),
        use_bias: layer.useBias,
        ...objects('depthwise', src, w, {
          depthwiseInitializer: 'depthwise_initializer',
          depthwiseRegularizer: 'depthwise_regularizer',
          depthwiseConstraint: 'depthwise_constraint',
        }),
        ...(layer instanceof SeparableConv2D
          ? objects('pointwise', layer, w, {
              pointwiseInitializer: 'pointwise_initializer',
              pointwiseRegularizer: 'pointwise_regularizer',
              pointwiseConstraint: 'pointwise_constraint',
            })
          : {}),
        ...objects('bias', layer, w, BIAS_KEYS),
      },
    };
  }
  if (layer instanceof MaxPooling2D || layer instanceof AveragePooling2D) {
    return {
      class_name: layer.className,
      config: { pool_size: [...layer.poolSize], strides: [...layer.strides], padding: layer.padding, ...df },
    };
  }
  if (layer instanceof GlobalAveragePooling2D || layer instanceof GlobalMaxPooling2D) {
    // tfjs-layers' global pooling has no keepdims: written only when set (Keras 3 reads it).
    return { class_name: layer.className, config: { ...df, ...(layer.keepdims ? { keepdims: true } : {}) } };
  }
  if (layer instanceof ZeroPadding2D) {
    const [[t, b], [l, r]] = layer.padding;
    return {
      class_name: 'ZeroPadding2D',
      config: {
        padding: [
          [t, b],
          [l, r],
        ],
        ...df,
      },
    };
  }
  if (layer instanceof Reshape) {
    return { class_name: 'Reshape', config: { target_shape: [...layer.targetShape] } };
  }
  if (layer instanceof ReLU) {
    // tfjs-layers' ReLU has max_value only; Keras 3's slope and threshold are written when set.
    return {
      class_name: 'ReLU',
      config: {
        max_value: layer.maxValue ?? null,
        ...(layer.negativeSlope !== 0 ? { negative_slope: layer.negativeSlope } : {}),
        ...(layer.threshold !== 0 ? { threshold: layer.threshold } : {}),
      },
    };
  }
  return undefined;
}

/**
 * The parameters (name within the layer, shape) a convolutional layer creates when built for `inputShape`, in
 * build order — mirrors the layers' `build` for the loader's plan, which allocates nothing (`kernel
 * [kh, kw, in/groups, filters]`; `depthwise_kernel [kh, kw, in, M]`; `pointwise_kernel [1, 1, in·M, filters]`;
 * Conv1D `kernel [k, in, filters]`; then `bias` when `useBias`). `[]` for the parameter-free conv-family
 * layers (pooling, padding, Reshape, ReLU), `undefined` for a class outside {@link CONV_LAYER_CLASSES}.
 *
 * @throws SteadygradError `SHAPE_MISMATCH` when the input's rank is wrong or its channels are unknown.
 */
export function convParameterPlan(
  layer: Layer,
  inputShape: Shape,
  where: string,
): { readonly name: string; readonly shape: number[] }[] | undefined {
  if (!(CONV_LAYER_CLASSES as readonly string[]).includes(layer.className)) return undefined;
  const rank = layer instanceof Conv1D ? 3 : 4;
  const kernelLayer =
    layer instanceof Conv2D ||
    layer instanceof Conv1D ||
    layer instanceof DepthwiseConv2D ||
    layer instanceof SeparableConv2D;
  if (!kernelLayer) return [];
  const channels = inputShape[rank - 1];
  if (inputShape.length !== rank || typeof channels !== 'number') {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `${where}: needs an input of rank ${rank} with known channels, got [${inputShape.map((d) => d ?? 'None').join(', ')}]`,
      { details: { where, shape: [...inputShape] } },
    );
  }
  const bias = (n: number) => (layer.useBias ? [{ name: 'bias', shape: [n] }] : []);
  if (layer instanceof Conv2D) {
    if (channels % layer.groups !== 0) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `${where}: input channels (${channels}) must be divisible by groups (${layer.groups})`,
        { details: { where, channels, groups: layer.groups } },
      );
    }
    return [
      { name: 'kernel', shape: [...layer.kernelSize, channels / layer.groups, layer.filters] },
      ...bias(layer.filters),
    ];
  }
  if (layer instanceof Conv1D) {
    return [{ name: 'kernel', shape: [layer.kernelSize, channels, layer.filters] }, ...bias(layer.filters)];
  }
  const w = layer.window;
  const depthwise = { name: 'depthwise_kernel', shape: [...w.kernelSize, channels, w.depthMultiplier] };
  if (layer instanceof SeparableConv2D) {
    return [
      depthwise,
      { name: 'pointwise_kernel', shape: [1, 1, channels * w.depthMultiplier, layer.filters] },
      ...bias(layer.filters),
    ];
  }
  return [depthwise, ...bias(channels * w.depthMultiplier)];
}
