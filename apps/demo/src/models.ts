import {
  Activation,
  Conv2D,
  Dense,
  Flatten,
  input,
  type Layer,
  MaxPooling2D,
  Model,
  ReLU,
  Reshape,
  Sequential,
} from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';

/**
 * The seed notebook's models, shared by every experiment, the benchmark and both front ends (one definition
 * each, so the CLI, the web page and the benchmark train the same thing).
 */

/** Seed cell 11: Flatten → Dense 300 relu → Dense 100 relu → Dense 10 softmax (Keras default initializers). */
export function seedCell11Model(seed: number): Sequential {
  const model = new Sequential([], { seed });
  model.add(new Flatten({ inputShape: [28, 28] }));
  model.add(new Dense({ units: 300, activation: 'relu' }));
  model.add(new Dense({ units: 100, activation: 'relu' }));
  model.add(new Dense({ units: 10, activation: 'softmax' }));
  return model;
}

/**
 * Seed cell 5: batch normalization after the input and after every hidden Dense (BN after the activation),
 * He-normal hidden layers. 271,346 parameters (268,978 trainable).
 */
export function seedCell5Model(seed: number): Sequential {
  return new Sequential(
    [
      new Flatten({ inputShape: [28, 28] }),
      new BatchNormalization(),
      new Dense({ units: 300, activation: 'relu', kernelInitializer: 'he_normal' }),
      new BatchNormalization(),
      new Dense({ units: 100, activation: 'relu', kernelInitializer: 'he_normal' }),
      new BatchNormalization(),
      new Dense({ units: 10, activation: 'softmax' }),
    ],
    { seed },
  );
}

/**
 * Seed cell 8: batch normalization *before* the activation — Dense without activation (and, since BN's β
 * makes it redundant, without bias) → BN → Activation('elu').
 */
export function seedCell8Model(seed: number, options: { readonly useBias?: boolean } = {}): Sequential {
  const { useBias = false } = options;
  return new Sequential(
    [
      new Flatten({ inputShape: [28, 28] }),
      new BatchNormalization(),
      new Dense({ units: 300, kernelInitializer: 'he_normal', useBias }),
      new BatchNormalization(),
      new Activation('elu'),
      new Dense({ units: 100, kernelInitializer: 'he_normal', useBias }),
      new BatchNormalization(),
      new Activation('elu'),
      new Dense({ units: 10, activation: 'softmax' }),
    ],
    { seed },
  );
}

/** Filter counts of {@link smallCnnModel}'s conv blocks. */
export const CNN_FILTERS: readonly number[] = [16, 32];

/**
 * The `cnn` experiment's small CNN for 28×28 Fashion-MNIST images: `Reshape [28, 28, 1]`, then per block
 * `Conv2D 3×3 'same'` (no bias: batch normalization's β replaces it) → `BatchNormalization` → `ReLU` →
 * `MaxPooling2D 2×2`, then `Flatten → Dense 64 relu → Dense 10 softmax` (He-normal kernels before ReLU).
 * With the default [16, 32] filters: 28×28×16 → 14×14×32 → 7×7×32; 106,010 parameters.
 */
export function smallCnnModel(seed: number, filters: readonly number[] = CNN_FILTERS): Sequential {
  const layers: Layer[] = [new Reshape({ targetShape: [28, 28, 1], inputShape: [28, 28] })];
  for (const f of filters) {
    layers.push(
      new Conv2D({
        filters: f,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: 'he_normal',
      }),
      new BatchNormalization(),
      new ReLU(),
      new MaxPooling2D({ poolSize: 2 }),
    );
  }
  layers.push(
    new Flatten(),
    new Dense({ units: 64, activation: 'relu', kernelInitializer: 'he_normal' }),
    new Dense({ units: 10, activation: 'softmax' }),
  );
  return new Sequential(layers, { seed });
}

/** The layer `transfer-cnn` cuts {@link convBaseModel} at: the last block's pooling layer. */
export const CONV_BASE_CUT = 'base_out';

/** The top block's conv layer of {@link convBaseModel}, the one `transfer-cnn` unfreezes in its second phase. */
export const CONV_BASE_TOP = 'top_conv';

/**
 * The `transfer-cnn` experiment's pretrained base as a functional model: input `image` [28, 28] →
 * `Reshape [28, 28, 1]`, then per block `block{i}_conv` (Conv2D 3×3 'same', no bias, He normal) →
 * `block{i}_bn` → `block{i}_relu` → `block{i}_pool` (MaxPooling2D 2×2) — the last block's conv is named
 * {@link CONV_BASE_TOP} and its pooling layer {@link CONV_BASE_CUT} — then the task-A head `flatten` →
 * `dense_a` (64 relu, He normal) → `head_a` (`classes` softmax).
 */
export function convBaseModel(
  seed: number,
  options: { readonly filters?: readonly number[]; readonly classes?: number } = {},
): Model {
  const { filters = CNN_FILTERS, classes = 10 } = options;
  const image = input({ shape: [28, 28], name: 'image' });
  let h = new Reshape({ targetShape: [28, 28, 1], name: 'to_channels' }).apply(image);
  filters.forEach((f, i) => {
    const last = i === filters.length - 1;
    const block = `block${i + 1}`;
    h = new Conv2D({
      filters: f,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      kernelInitializer: 'he_normal',
      name: last ? CONV_BASE_TOP : `${block}_conv`,
    }).apply(h);
    h = new BatchNormalization({ name: `${block}_bn` }).apply(h);
    h = new ReLU({ name: `${block}_relu` }).apply(h);
    h = new MaxPooling2D({ poolSize: 2, name: last ? CONV_BASE_CUT : `${block}_pool` }).apply(h);
  });
  h = new Flatten({ name: 'flatten' }).apply(h);
  h = new Dense({ units: 64, activation: 'relu', kernelInitializer: 'he_normal', name: 'dense_a' }).apply(h);
  const out = new Dense({ units: classes, activation: 'softmax', name: 'head_a' }).apply(h);
  return new Model({ inputs: image, outputs: out, seed, name: 'conv_base' });
}
