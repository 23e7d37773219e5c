import type { BackendChoice } from '@steadygrad/core';
import type { Callback, Trainer } from '@steadygrad/train';
import type { Profile } from './profile.js';

/**
 * One experiment of the demo. Experiments are plain modules shared by every front end (the Node CLI, and
 * later the web page): they never import Node modules themselves; data and output reach them through the
 * context the front end builds.
 */
export interface ExperimentContext {
  /** Backend in use (after selection). */
  readonly backend: string;
  readonly requestedBackend: BackendChoice;
  /**
   * Which settings the experiment runs with (issue 25): `'notebook'` — the seed notebook's exact settings
   * (network, optimizer, learning rate, epochs, data sizes, seeds; the CLI's default) — or `'quick'`, the
   * scaled-down settings the tests and the web page use. The overrides below apply on top of either; the
   * result's `notebookDifferences` lists every setting that differs from the notebook.
   */
  readonly profile: Profile;
  /**
   * Command-line overrides of the profile's settings; `undefined` means the profile's value. An override
   * that differs from the notebook shows in the result's `notebookDifferences`.
   */
  readonly epochs: number | undefined;
  readonly batchSize: number | undefined;
  readonly seed: number;
  /**
   * `--limit N`: use only the first N training images (and N/6 test images, at least 1,000) — for quick runs
   * and tests. `undefined` means the whole dataset.
   */
  readonly limit: number | undefined;
  /** `--seeds N`: how many seeds multi-seed experiments run (the profile's count when undefined). */
  readonly seeds: number | undefined;
  /** Human-readable progress (suppressed with --json except for errors). */
  log(line: string): void;
  /** Progress bars and per-epoch output of `fit`: 0 when the CLI prints JSON. */
  readonly verbose: 0 | 1;
  /** Loads Fashion-MNIST the way the front end can (files in Node, a served copy in a browser). */
  loadFashionMnist(): Promise<import('@steadygrad/datasets').FashionMnist>;

  // ---- Optional live hooks (the web page gives them; the CLI gives none). Experiments that ignore them
  // still work everywhere; experiments that use them light up the page's charts. ----

  /** Learning-rate override from the web form; `undefined` means the experiment's own default. */
  readonly learningRate?: number | undefined;
  /**
   * Callbacks of the front end. Pass them to EVERY `fit` the experiment runs:
   * `callbacks: [...(ctx.callbacks ?? []), ...yours]`. On the web page they draw the per-batch and per-epoch
   * loss/accuracy and learning-rate curves, the per-layer gradient-norm heatmap (`gradientMonitor`) and the
   * test-image predictions, watch `tf.memory()`, and implement Stop (`trainer.stopTraining`). Each `fit`
   * starts a new run on the charts; name it first with `ctx.onEvent?.({ type: 'phase', label })`.
   */
  readonly callbacks?: readonly Callback<Trainer>[];
  /**
   * Publishes an experiment-specific result to the front end as soon as it exists (the deep-stats profiles,
   * the MC-dropout uncertainty, a comparison table...). Cheap; never required.
   */
  onEvent?(event: ExperimentEvent): void;
}

/** One line (or bar group) of an {@link ExperimentEvent} chart. */
export interface ChartSeries {
  readonly label: string;
  readonly values: readonly number[];
  /** Optional ± band (one standard deviation) drawn around the values. */
  readonly std?: readonly number[];
}

/**
 * What an experiment can show on the web page while it runs (see {@link ExperimentContext.onEvent}).
 * Plain data only (it crosses a worker boundary): numbers, strings, arrays, typed arrays.
 */
export type ExperimentEvent =
  /** The next `fit` belongs to this label (e.g. `'seed 2/3'`, `'Adam'`, `'BN before activation'`). */
  | { readonly type: 'phase'; readonly label: string }
  /**
   * A line or bar chart, replaced when an event with the same `id` arrives again (so it can grow live).
   * `x` are the category labels or x values shared by every series (default 0, 1, 2, ...). E.g. the
   * deep-stats profile: `x` = layer names, one series per initializer/activation with the activation std.
   */
  | {
      readonly type: 'chart';
      readonly id: string;
      readonly title: string;
      readonly kind: 'line' | 'bar';
      readonly x?: readonly (number | string)[];
      readonly xLabel?: string;
      readonly yLabel?: string;
      readonly logY?: boolean;
      readonly series: readonly ChartSeries[];
    }
  /** A heatmap `values[row][column]` (e.g. a statistic per step × layer). */
  | {
      readonly type: 'heatmap';
      readonly id: string;
      readonly title: string;
      readonly rows: readonly (number | string)[];
      readonly columns: readonly string[];
      readonly values: readonly (readonly number[])[];
      readonly logScale?: boolean;
    }
  /**
   * Test images with the model's predicted class probabilities (and, for MC dropout, their standard
   * deviation over the stochastic passes): a grid of images with prediction, confidence and uncertainty.
   */
  | {
      readonly type: 'predictions';
      readonly title: string;
      /** `count × 28 × 28` uint8 pixels. */
      readonly images: Uint8Array;
      readonly labels: readonly number[];
      /** `[count][classes]` probabilities. */
      readonly probabilities: readonly (readonly number[])[];
      /** `[count][classes]` standard deviations (MC dropout), when known. */
      readonly std?: readonly (readonly number[])[];
      readonly classNames: readonly string[];
    }
  /**
   * A grid of grayscale pictures (conv filters, feature maps): `count` images of `height × width` values,
   * row-major, one after the other; the page scales each image to its own min–max range.
   */
  | {
      readonly type: 'images';
      readonly id: string;
      readonly title: string;
      readonly width: number;
      readonly height: number;
      readonly count: number;
      readonly values: Float32Array;
      readonly labels: readonly string[];
    }
  /** A small table of results (rows of label → value). */
  | {
      readonly type: 'table';
      readonly id: string;
      readonly title: string;
      readonly rows: readonly (readonly [string, string | number])[];
    };

export interface Experiment<R extends object = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  run(ctx: ExperimentContext): Promise<R>;
}
