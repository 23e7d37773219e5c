import { checkOptions, type DataType, optionKeys, SteadygradError, type Tensor } from '@steadygrad/core';
import { type CallContext, Layer, type Shape } from './layer.js';
import { inputNode, type SymbolicTensor } from './symbolic-tensor.js';

/** Options of {@link input}. */
export interface InputOptions {
  /** The shape of one sample, without the batch dimension (Keras `shape=(28, 28)`); `null` for a free axis. */
  readonly shape: readonly (number | null)[];
  /** The input layer's name (default: `input_layer`, made unique within the model). */
  readonly name?: string;
  /** The dtype the model casts this input to (default `'float32'`). */
  readonly dtype?: 'float32' | 'int32';
}

const INPUT_KEYS = optionKeys<InputOptions>()(['shape', 'name', 'dtype']);

const INPUT_OPTIONS = ['shape', 'name', 'dtype'] as const;

/**
 * The layer behind {@link input} (Keras `InputLayer`): it has no parameters and marks where a functional
 * `Model`'s data enters. `model.layers` lists it first, as Keras does.
 */
export class InputLayer extends Layer {
  readonly className: string = 'InputLayer';
  /** The input shape with the batch dimension `null` first. */
  readonly shape: Shape;
  readonly dtype: DataType;

  constructor(options: InputOptions) {
    checkOptions('input', options, INPUT_OPTIONS);
    const { shape, name, dtype = 'float32' } = options ?? ({} as InputOptions);
    if (
      !Array.isArray(shape) ||
      shape.some((d) => d !== null && (typeof d !== 'number' || !Number.isInteger(d) || d < 1))
    ) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `input: shape must be an array of positive integers or null, without the batch dimension (e.g. [28, 28]), got ${JSON.stringify(shape)}`,
        { details: { shape } },
      );
    }
    if (dtype !== 'float32' && dtype !== 'int32') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `input: dtype must be 'float32' or 'int32', got ${JSON.stringify(dtype)}`,
      );
    }
    super(name === undefined ? {} : { name });
    this.shape = Object.freeze([null, ...shape]);
    this.dtype = dtype;
  }

  /** An input layer is not applied: the model feeds its tensor on. */
  call(x: Tensor, _ctx: CallContext): Tensor {
    return x.clone();
  }

  override symbolicOutputShape(_shapes: readonly Shape[]): Shape {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `input layer '${this.name}' cannot be called on tensors: use its output (the value input() returned)`,
    );
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), batchInputShape: [...this.shape], dtype: this.dtype };
  }
}

/**
 * A symbolic input of a functional model (Keras `keras.Input(shape=...)`): call layers on it, then give it
 * to `new Model({ inputs, outputs })`. Checks its options (`UNKNOWN_OPTION`, `INVALID_ARGUMENT`).
 *
 * ```ts
 * const x = input({ shape: [28, 28] });
 * const y = new Dense({ units: 10 }).apply(new Flatten().apply(x));
 * const model = new Model({ inputs: x, outputs: y });
 * ```
 */
export function input(options: InputOptions): SymbolicTensor {
  checkOptions('input', options, INPUT_KEYS);
  const layer = new InputLayer(options);
  return inputNode(layer, layer.shape, layer.dtype);
}
