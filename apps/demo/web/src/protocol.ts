// Messages between the page (main thread) and the training worker. Plain data only.
import type { ExperimentEvent } from '../../src/experiment.js';

/**
 * The page's backend choices: `auto` times a few training steps of the seed cell 5 model on WebGL and on wasm
 * (core's `useFastestBackend`) and trains on the faster; the others select that backend.
 */
export type WebBackend = 'auto' | 'webgl' | 'wasm' | 'cpu';

/** What the page asks the worker to run (already validated by the form). */
export interface RunRequest {
  readonly experiment: string;
  readonly backend: WebBackend;
  readonly seed: number;
  readonly epochs: number | undefined;
  readonly batchSize: number | undefined;
  readonly learningRate: number | undefined;
  readonly limit: number | undefined;
  readonly seeds: number | undefined;
  /** Absolute URL of the folder holding the Fashion-MNIST subset (manifest.json and the IDX files). */
  readonly dataUrl: string;
}

export interface ExperimentInfo {
  readonly name: string;
  readonly description: string;
}

export interface MemorySample {
  readonly numTensors: number;
  readonly numBytes: number;
}

export type WorkerMessage =
  | { readonly type: 'hello'; readonly experiments: readonly ExperimentInfo[] }
  | { readonly type: 'status'; readonly text: string }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'backend'; readonly name: string; readonly requested: WebBackend }
  | { readonly type: 'data'; readonly train: number; readonly test: number }
  | {
      readonly type: 'fit-begin';
      readonly run: number;
      readonly label: string;
      readonly epochs: number;
      readonly steps: number;
      readonly samples: number;
      readonly layers: readonly string[];
    }
  | {
      readonly type: 'batch';
      readonly run: number;
      readonly epoch: number;
      readonly batch: number;
      readonly steps: number;
      /** Running means over the epoch so far (Keras 3 batch logs). */
      readonly loss: number;
      readonly accuracy: number | undefined;
      readonly lr: number | undefined;
    }
  | {
      readonly type: 'epoch';
      readonly run: number;
      readonly epoch: number;
      readonly logs: Readonly<Record<string, number>>;
      /** `tf.memory()` at the end of the epoch (after validation), and the active backend. */
      readonly memory: MemorySample;
      readonly backend: string;
      readonly seconds: number;
    }
  | {
      readonly type: 'gradients';
      readonly run: number;
      readonly step: number;
      readonly layers: readonly string[];
      readonly norms: readonly number[];
    }
  | { readonly type: 'fit-end'; readonly run: number; readonly memory: MemorySample }
  | { readonly type: 'event'; readonly event: ExperimentEvent }
  | { readonly type: 'done'; readonly result: unknown; readonly memory: MemorySample }
  | { readonly type: 'error'; readonly message: string; readonly code: string | undefined };
