// The bench's plan: which jobs run (system, backend, threads, batch size, samples) and how many samples and
// repetitions each row gets (the full run and `--quick`).

/** One child process of the bench: a system training one epoch (and predicting) at one setting. */
export interface Job {
  readonly system: 'steadygrad' | 'tfjs-layers' | 'pytorch' | 'keras' | 'keras-xla';
  /** steadygrad: fit's `nonFinite` option (a second row that isolates the non-finite guard's cost). */
  readonly nonFinite?: string;
  readonly backend: 'wasm' | 'cpu' | 'tensorflow';
  /** steadygrad: core's `setHostThreads`; PyTorch: `torch.set_num_threads`; Keras: TF's intra/inter-op threads. */
  readonly threads: number;
  readonly batchSize: number;
  readonly samples: number;
  /** The conv rows (`smallCnnModel`); the seed cell 5 BN-MLP otherwise. */
  readonly model?: 'cnn';
  /** Test images to predict (default all 10,000). */
  readonly testSamples?: number;
}

/** Samples and repetitions per row. */
export interface Plan {
  readonly reps: number;
  /** Samples per system at each batch size on the wasm backend (and PyTorch). */
  readonly wasmSamples: Readonly<Record<number, number>>;
  /** Samples on the cpu backend (reduced: tfjs's cpu backend runs ~200 s per epoch). */
  readonly cpuSamples: Readonly<Record<number, number>>;
  readonly cpuReps: number;
  /** Samples per system at each batch size on the tensorflow backend. */
  readonly tensorflowSamples: Readonly<Record<number, number>>;
}

/** The batch sizes of the MLP rows. */
export const BATCHES = [32, 256] as const;

/** The full run's plan, or `--quick`'s; `--reps N` overrides the repetitions. */
export function planFor(quick: boolean, reps: number | undefined): Plan {
  return quick
    ? {
        reps: reps ?? 1,
        wasmSamples: { 32: 3200, 256: 6400 },
        cpuSamples: { 32: 640, 256: 1280 },
        cpuReps: 1,
        tensorflowSamples: { 32: 3200, 256: 6400 },
      }
    : {
        reps: reps ?? 3,
        wasmSamples: { 32: 60000, 256: 60000 },
        cpuSamples: { 32: 3200, 256: 6400 },
        cpuReps: 1,
        tensorflowSamples: { 32: 30000, 256: 60000 },
      };
}

/** `--samples N` (smoke runs): at most N training samples in every row. */
export function capSamples(plan: Plan, samples: number | undefined): Plan {
  if (samples === undefined) return plan;
  const cap = (r: Readonly<Record<number, number>>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.min(v, samples)]));
  return { ...plan, wasmSamples: cap(plan.wasmSamples), cpuSamples: cap(plan.cpuSamples) };
}
