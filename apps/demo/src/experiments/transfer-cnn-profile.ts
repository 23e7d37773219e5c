// The profiles of the `transfer-cnn` experiment (issue 25).

/** Settings of the `transfer-cnn` experiment (values in {@link TRANSFER_CNN_PROFILES}). */
export type TransferCnnSettings = {
  /** Conv filters per block of the base (default `[16, 32]`). */
  readonly filters: readonly number[];
  /** Task B's two classes `[negative, positive]` (default `[5, 6]`: sandal vs shirt, as the seed's cells 11–18). */
  readonly classesB: readonly [number, number];
  /** Task B's training images (default 200). */
  readonly sizeB: number;
  readonly epochsA: number;
  readonly epochsFrozen: number;
  readonly epochsUnfrozen: number;
  /** SGD (momentum 0.9) rate of model A, of scratch B, and of the new head (default 0.01). */
  readonly learningRate: number;
  /** The rate of the unfrozen top block in the second phase (default 1e-3). */
  readonly lowerLearningRate: number;
  readonly batchSize: number;
  readonly seeds: number;
  /**
   * Where the base is cut and what the new head is: `'dense'` (default) keeps every hidden layer of A (its
   * Dense 64 included) and adds Dense 1, as Géron's cells do; `'gap'` cuts at the last pooling layer and adds
   * GlobalAveragePooling2D + Dense 1 (the recipe for a deep pretrained conv base).
   */
  readonly cut: 'gap' | 'dense';
  /** First N training images (`'none'`: all 60,000, the first 5,000 of them for validation). */
  readonly limit: number | 'none';
};

/**
 * The conv base goes beyond the seed (its cells 11–18 reuse an MLP): the notebook profile is the project's
 * recipe — model A 3 epochs, B-on-A 5 frozen + 10 unfrozen epochs, SGD momentum 0.9 at 0.01 (1e-3 for the
 * unfrozen block), task B's first 200 images, 10 seeds; quick: 3 seeds.
 */
export const TRANSFER_CNN_PROFILES: {
  readonly notebook: TransferCnnSettings;
  readonly quick: Partial<TransferCnnSettings>;
} = {
  notebook: {
    filters: [16, 32],
    classesB: [5, 6],
    sizeB: 200,
    epochsA: 3,
    epochsFrozen: 5,
    epochsUnfrozen: 10,
    learningRate: 0.01,
    lowerLearningRate: 1e-3,
    batchSize: 32,
    seeds: 10,
    cut: 'dense',
    limit: 'none',
  },
  quick: { seeds: 3 },
};
