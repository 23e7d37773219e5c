/** What one bench worker process runs. */
export interface WorkerOptions {
  readonly system: 'steadygrad' | 'tfjs-layers';
  readonly backend: 'wasm' | 'cpu' | 'tensorflow';
  readonly batchSize: number;
  /** Training samples (the first `samples` images; 60,000 = one full epoch). */
  readonly samples: number;
  readonly seed: number;
  /**
   * steadygrad: core's `setHostThreads` count (1 = one thread, the default); on the `tensorflow` backend, both
   * systems: TensorFlow's intra-op thread pool (`TF_NUM_INTRAOP_THREADS`).
   */
  readonly threads: number;
  /** steadygrad only: `useBackend`'s `relaxedSimd` option (default `true`: fused multiply-add tiles). */
  readonly relaxedSimd?: boolean;
  /** steadygrad only: `fit`'s `nonFinite` option; `undefined` = fit's default. */
  readonly nonFinite?: string;
  /** What trains: the seed cell 5 BN-MLP (`'mlp'`, the default) or the `cnn` experiment's `smallCnnModel`. */
  readonly model?: 'mlp' | 'cnn';
}
