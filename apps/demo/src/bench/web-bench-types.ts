// What the browser bench's page (web/src/bench-worker.ts) and its Node driver (web-bench.ts) exchange.

/** The systems the browser bench compares on one page. */
export type WebBenchSystem = 'steadygrad' | 'tfjs-layers';
/** The browser backends it measures (`auto` in a browser picks WebGL). */
export type WebBenchBackend = 'wasm' | 'webgl';

/** One measurement: a fresh worker trains one epoch of `samples` images, then predicts the test subset. */
export interface WebBenchJob {
  readonly system: WebBenchSystem;
  readonly backend: WebBenchBackend;
  readonly batchSize: number;
  /** Training images of the timed epoch (the web build's subset has 10,000). */
  readonly samples: number;
  /** Untimed warm-up batches before it (WebGL compiles its shader programs on first use). */
  readonly warmupBatches: number;
  readonly seed: number;
  /** The served Fashion-MNIST subset, a URL ending in `/`. */
  readonly dataUrl: string;
}

/** What one job measured. */
export interface WebBenchRun {
  readonly system: WebBenchSystem;
  /** The backend tfjs actually ran (`tf.getBackend()`). */
  readonly backend: string;
  readonly batchSize: number;
  readonly samples: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
  /** Accuracy on the served test subset after the epoch. */
  readonly testAccuracy: number;
  readonly testSamples: number;
  /** Kernels tfjs dispatched per training step, averaged over the timed epoch. */
  readonly kernelsPerStep: number;
  /** Tensors alive after the epoch minus before it minus the optimizer's state (one buffer per parameter). */
  readonly tensorsLeaked: number;
}
