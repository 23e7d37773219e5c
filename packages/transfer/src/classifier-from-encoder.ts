import type { Layer } from '@steadygrad/nn';
import type { Autoencoder } from './autoencoder.js';
import { type TransferModel, transferModel } from './transfer-model.js';

/** Options of {@link classifierFromEncoder}. */
export interface ClassifierFromEncoderOptions {
  /** The classification layers on top of the codes (e.g. `new Dense(10, { activation: 'softmax' })`). */
  readonly head: Layer | readonly Layer[];
  /**
   * `false` (default): the classifier gets a bit-identical **copy** of the pretrained encoder, so several
   * classifiers (several seeds) can start from one pretraining. `true`: it reuses the encoder's own layers.
   */
  readonly share?: boolean;
  /** Seed of the head's initialization (default `0`). */
  readonly seed?: number;
  readonly name?: string;
}

/**
 * A classifier whose lower layers are the pretrained encoder of `autoencoder` (the seed's step 4: "initialize
 * a new network with the pretrained weights and fine-tune it"): encoder layers (cloned unless `share`) then
 * `head`. Train it as any model, or with `fineTune`-like phases using `freeze`/`unfreeze`.
 */
export function classifierFromEncoder(
  autoencoder: Autoencoder,
  options: ClassifierFromEncoderOptions,
): TransferModel {
  const { head, share = false, seed = 0, name = 'classifier' } = options;
  return transferModel(autoencoder.encoder, { head, drop: 0, share, seed, name });
}
