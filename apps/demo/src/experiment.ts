import type { BackendChoice } from '@steadygrad/core';

/**
 * One experiment of the demo. Experiments are plain modules shared by every front end (the Node CLI, and
 * later the web page): they never import Node modules themselves; data and output reach them through the
 * context the front end builds.
 */
export interface ExperimentContext {
  /** Backend in use (after selection). */
  readonly backend: string;
  readonly requestedBackend: BackendChoice;
  /** Command-line overrides; `undefined` means the experiment's own default. */
  readonly epochs: number | undefined;
  readonly batchSize: number | undefined;
  readonly seed: number;
  /**
   * `--limit N`: use only the first N training images (and N/6 test images, at least 1,000) — for quick runs
   * and tests. `undefined` means the whole dataset.
   */
  readonly limit: number | undefined;
  /** `--seeds N`: how many seeds multi-seed experiments run (each its default when undefined). */
  readonly seeds: number | undefined;
  /** Human-readable progress (suppressed with --json except for errors). */
  log(line: string): void;
  /** Progress bars and per-epoch output of `fit`: 0 when the CLI prints JSON. */
  readonly verbose: 0 | 1;
  /** Loads Fashion-MNIST the way the front end can (files in Node, a served copy in a browser). */
  loadFashionMnist(): Promise<import('@steadygrad/datasets').FashionMnist>;
}

export interface Experiment<R extends object = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  run(ctx: ExperimentContext): Promise<R>;
}
