import {
  checkNumber,
  checkOneOf,
  type GradientTransformation,
  SteadygradError,
  type Tensor,
} from '@steadygrad/core';
import { Dense, type DenseOptions, Flatten, type Layer, Sequential } from '@steadygrad/nn';
import { nadam } from '@steadygrad/optim';
import {
  type Callback,
  compile,
  type DataLike,
  type History,
  type Trainer,
  type Verbose,
} from '@steadygrad/train';
import { checkInputShape } from './input-shapes.js';
import { predictInBatches } from './predict-in-batches.js';
import { Reshape } from './reshape.js';

/** The reconstruction losses an {@link Autoencoder} trains with. */
export type ReconstructionLoss = 'mse' | 'binary_crossentropy';

const RECONSTRUCTION_LOSSES: readonly ReconstructionLoss[] = ['mse', 'binary_crossentropy'];

/** Options of {@link Autoencoder}. */
export interface AutoencoderOptions {
  /** The sample shape, without the batch axis (e.g. `[28, 28]`). */
  readonly inputShape: readonly number[];
  /** Encoder widths, bottom to top (default `[100, 30]`, Géron's stacked autoencoder). */
  readonly units?: readonly number[];
  /** Hidden activation of encoder and decoder (default `'relu'`). */
  readonly activation?: DenseOptions['activation'];
  /**
   * Activation of the reconstruction (default `'sigmoid'`: pixels scaled to [0, 1], required by the
   * binary cross-entropy loss).
   */
  readonly outputActivation?: DenseOptions['activation'];
  /** Kernel initializer of every Dense layer (default `'glorot_uniform'`, Keras). */
  readonly kernelInitializer?: DenseOptions['kernelInitializer'];
  /**
   * `'mse'` (default, Géron 3rd ed.: `mean_j (x̂_j − x_j)²`) or `'binary_crossentropy'` (2nd ed.:
   * `mean_j −(x_j log x̂_j + (1 − x_j) log(1 − x̂_j))`, pixels as probabilities, x̂ clipped to [1e-7, 1 − 1e-7]).
   */
  readonly reconstruction?: ReconstructionLoss;
  /** Seed of the weight initialization (default `0`). */
  readonly seed?: number;
}

/** Options of {@link Autoencoder.pretrain}. */
export interface PretrainOptions {
  /** Default `5`. */
  readonly epochs?: number;
  /** Default `32`. */
  readonly batchSize?: number;
  /** Default `nadam()` (Géron 3rd ed. compiles the stacked autoencoder with `optimizer="nadam"`). */
  readonly optimizer?: GradientTransformation<unknown>;
  /** Default `0`. */
  readonly seed?: number;
  /** Unlabeled validation images (their reconstruction loss is logged as `val_loss`). */
  readonly validationData?: DataLike;
  readonly verbose?: Verbose;
  readonly callbacks?: readonly Callback<Trainer>[];
}

/** Options of {@link Autoencoder.pretrainGreedy}: as {@link PretrainOptions}, with epochs per stage. */
export interface PretrainGreedyOptions extends Omit<PretrainOptions, 'optimizer' | 'validationData'> {
  /**
   * Builds the optimizer of each stage (default `() => nadam()`); a new one per stage, since each stage
   * trains different parameters.
   */
  readonly optimizer?: () => GradientTransformation<unknown>;
}

/**
 * A stacked (symmetric) autoencoder for unsupervised pretraining (the seed's "Unsupervised Pretraining"
 * section; Géron, "Stacked Autoencoders"):
 *
 * encoder: `Flatten → Dense(units[0], activation) → … → Dense(units[K−1], activation)`;
 * decoder, mirrored: `Dense(units[K−2], activation) → … → Dense(units[0], activation) →
 * Dense(∏inputShape, outputActivation) → Reshape(inputShape)`.
 *
 * It is trained to reconstruct its input, `fit(x, x)` ({@link pretrain}, all layers at once) or one shallow
 * autoencoder at a time ({@link pretrainGreedy}); then `classifierFromEncoder` reuses the encoder under a
 * classification head trained on few labels. `encoder`, `decoder` and `model` are three `Sequential`s over the
 * same layer objects.
 */
export class Autoencoder {
  readonly inputShape: readonly number[];
  readonly units: readonly number[];
  readonly reconstruction: ReconstructionLoss;
  /** `Flatten` then one Dense per entry of `units`. */
  readonly encoderLayers: readonly Layer[];
  /** Mirrored Dense layers, then `Reshape`. */
  readonly decoderLayers: readonly Layer[];
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  /** Encoder then decoder: inputs → reconstructions. */
  readonly model: Sequential;

  constructor(options: AutoencoderOptions) {
    const {
      inputShape,
      units = [100, 30],
      activation = 'relu',
      outputActivation = 'sigmoid',
      kernelInitializer = 'glorot_uniform',
      reconstruction = 'mse',
      seed = 0,
    } = options ?? ({} as AutoencoderOptions);
    if (!Array.isArray(units) || units.length === 0) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `units must be a non-empty array of layer widths (e.g. [100, 30]), got ${JSON.stringify(units)}`,
      );
    }
    units.forEach((u, i) => {
      checkNumber(`units[${i}]`, u, { integer: true, min: 1 });
    });
    this.reconstruction = checkOneOf('reconstruction', reconstruction, RECONSTRUCTION_LOSSES);
    const flatten = new Flatten({ inputShape: inputShape as number[] });
    this.inputShape = flatten.inputShapeOption as readonly number[];
    this.units = Object.freeze([...units]);
    const size = this.inputShape.reduce((n, d) => n * d, 1);
    this.encoderLayers = [
      flatten,
      ...units.map((u, i) => new Dense({ units: u, activation, kernelInitializer, name: `encoder_${i}` })),
    ];
    const widths = [size, ...units];
    const decoderDense: Layer[] = [];
    for (let k = units.length - 1; k >= 0; k--) {
      const top = k === 0;
      decoderDense.push(
        new Dense({
          units: widths[k] as number,
          activation: top ? outputActivation : activation,
          kernelInitializer,
          name: `decoder_${k}`,
        }),
      );
    }
    this.decoderLayers = [...decoderDense, new Reshape({ targetShape: this.inputShape, name: 'reshape' })];
    this.model = new Sequential([...this.encoderLayers, ...this.decoderLayers], {
      seed,
      name: 'autoencoder',
    });
    this.encoder = new Sequential(this.encoderLayers, { seed, name: 'encoder' });
    this.decoder = new Sequential(this.decoderLayers, { seed, name: 'decoder' });
  }

  /**
   * Trains encoder and decoder together to reconstruct `x` (`fit(x, x)` with the reconstruction loss). No
   * labels are used. Returns the fit history (`loss`, and `val_loss` with `validationData`).
   */
  async pretrain(x: DataLike, options: PretrainOptions = {}): Promise<History> {
    const {
      epochs = 5,
      batchSize = 32,
      optimizer = nadam(),
      seed = 0,
      validationData,
      verbose = 0,
      callbacks = [],
    } = options;
    checkInputShape(this.model.inputShape, x, { source: 'the autoencoder', target: 'x' });
    const trainer = compile(this.model, { loss: this.reconstruction, optimizer });
    try {
      return await trainer.fit(x, x, {
        epochs,
        batchSize,
        seed,
        verbose,
        callbacks,
        ...(validationData === undefined ? {} : { validationData: [validationData, validationData] }),
      });
    } finally {
      trainer.dispose();
    }
  }

  /**
   * Greedy layer-wise pretraining (Géron 2nd ed., "Training One Autoencoder at a Time"; Hinton et al. 2006):
   * stage k trains the shallow autoencoder `encoder_k → decoder_k` on the codes of the (already trained)
   * stages below, `h_{k−1} = encoder_{0..k−1}(x)`, to reconstruct them: stage 0 reconstructs the images with
   * the reconstruction loss, later stages their input codes with the mean squared error. Each stage trains
   * only its two layers; the codes of a stage are computed once, in inference mode. Returns one history per
   * stage.
   */
  async pretrainGreedy(x: DataLike, options: PretrainGreedyOptions = {}): Promise<History[]> {
    const {
      epochs = 5,
      batchSize = 32,
      optimizer = () => nadam(),
      seed = 0,
      verbose = 0,
      callbacks = [],
    } = options;
    checkInputShape(this.model.inputShape, x, { source: 'the autoencoder', target: 'x' });
    const K = this.units.length;
    const enc = this.encoderLayers;
    const dec = this.decoderLayers; // [D_{K-1}, ..., D_0, Reshape]
    const histories: History[] = [];
    for (let k = 0; k < K; k++) {
      const e = enc[k + 1] as Layer;
      const d = dec[K - 1 - k] as Layer;
      const stageLayers = k === 0 ? [enc[0] as Layer, e, d, dec[K] as Layer] : [e, d];
      const stage = new Sequential(stageLayers, { name: `stage_${k}` });
      let codes: Tensor | undefined;
      if (k > 0) codes = predictInBatches(new Sequential(enc.slice(0, k + 1), { name: 'below' }), x, 512);
      const input: DataLike = codes ?? x;
      const trainer = compile(stage, { loss: k === 0 ? this.reconstruction : 'mse', optimizer: optimizer() });
      try {
        histories.push(
          await trainer.fit(input, input, { epochs, batchSize, seed: seed + k, verbose, callbacks }),
        );
      } finally {
        trainer.dispose();
        codes?.dispose();
      }
    }
    return histories;
  }

  /** The codes of `x` (encoder output, inference mode); the caller disposes the tensor. */
  encode(x: DataLike, options: { readonly batchSize?: number } = {}): Tensor {
    return predictInBatches(this.encoder, x, options.batchSize ?? 256);
  }

  /** Reconstructions of `x` (inference mode); the caller disposes the tensor. */
  reconstruct(x: DataLike, options: { readonly batchSize?: number } = {}): Tensor {
    return predictInBatches(this.model, x, options.batchSize ?? 256);
  }

  /** Frees every layer's parameters. */
  dispose(): void {
    this.model.dispose();
  }
}
