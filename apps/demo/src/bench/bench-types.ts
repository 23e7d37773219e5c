/** One measured run of one system at one batch size (what a bench worker prints as its last line). */
export interface BenchRun {
  /** `steadygrad`, `tfjs-layers` or `pytorch`. */
  readonly system: string;
  /** Backend (`wasm`, `cpu`; `cpu` for PyTorch). */
  readonly backend: string;
  /**
   * Threads the system computed on: steadygrad's `setHostThreads` count (wasm; 1 = the default), PyTorch's
   * `torch.set_num_threads`; tfjs-layers always 1 (its threaded wasm build cannot start its workers in Node).
   */
  readonly threads: number;
  /**
   * steadygrad only: whether its matrix products used WebAssembly relaxed SIMD (fused multiply-adds; on by
   * default through `useBackend`, off with `--no-relaxed-simd`). Absent for the peers, which do not use it.
   */
  readonly relaxedSimd?: boolean;
  readonly batchSize: number;
  /** What trained: `'cnn'` for the conv rows (`smallCnnModel`); absent for the seed cell 5 BN-MLP. */
  readonly model?: 'cnn';
  /** Training samples actually run (fewer than 60,000 in quick mode or for the slow cpu peer). */
  readonly samples: number;
  /** Seconds per full 60,000-sample epoch (extrapolated when `samples` < 60,000). */
  readonly epochSeconds: number;
  readonly samplesPerSecond: number;
  /** Accuracy on the 10,000 test images after the (possibly partial) epoch. */
  readonly testAccuracy: number;
  /** Test images predicted when fewer than all 10,000 (the cpu conv rows); absent = all of them. */
  readonly testSamples?: number;
  /** Seconds to predict the 10,000 test images (or `testSamples` of them). */
  readonly inferenceSeconds: number;
  readonly peakRssMb: number;
  /** Tensors alive after the epoch minus before it (0 = no leak); `null` for PyTorch. */
  readonly tensorsLeaked: number | null;
  /** Tensors alive after the epoch (model, optimizer state, data tensors the system keeps). */
  readonly tensorsAlive: number | null;
  readonly extrapolated: boolean;
}

/** The summary row of one system at one batch size: medians over repetitions. */
export interface BenchSummary extends BenchRun {
  readonly repetitions: number;
}
