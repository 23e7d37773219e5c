import { checkOptions, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import type { LayerOptions, Shape } from './layer.js';
import { MergeLayer } from './merge-layer.js';

/** Options of {@link Concatenate}. */
export interface ConcatenateOptions extends LayerOptions {
  /** The axis to join along (default `-1`, the features; negative counts from the end, as Keras). */
  readonly axis?: number;
}

const OPTIONS = ['name', 'trainable', 'inputShape', 'axis'] as const;

/**
 * Joins its inputs along `axis` (Keras `Concatenate`, default the last axis): inputs of one rank whose sizes
 * agree on every other axis (an unknown size agrees with any); the output's size on `axis` is the sum, or
 * `null` when one is unknown. No parameters. PyTorch's `torch.cat(xs, dim=1)` on NCHW is `axis: -1` here (NHWC).
 */
export class Concatenate extends MergeLayer {
  readonly className: string = 'Concatenate';
  readonly axis: number;

  constructor(options: ConcatenateOptions = {}) {
    checkOptions('Concatenate', options, OPTIONS);
    const { axis = -1, ...rest } = options;
    if (typeof axis !== 'number' || !Number.isInteger(axis)) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `Concatenate: axis must be an integer, got ${JSON.stringify(axis)}`,
      );
    }
    super(rest);
    this.axis = axis;
  }

  private resolveAxis(rank: number, shapes: readonly Shape[]): number {
    const axis = this.axis < 0 ? rank + this.axis : this.axis;
    if (axis < 0 || axis >= rank) {
      throw this.incompatible(shapes, `axis ${this.axis} is out of range for rank ${rank}`);
    }
    return axis;
  }

  protected mergedShape(shapes: readonly Shape[]): Shape {
    const rank = (shapes[0] as Shape).length;
    if (shapes.some((s) => s.length !== rank))
      throw this.incompatible(shapes, 'they must have the same rank');
    const axis = this.resolveAxis(rank, shapes);
    const out: (number | null)[] = [];
    for (let i = 0; i < rank; i++) {
      if (i === axis) {
        const sizes = shapes.map((s) => s[i] ?? null);
        out.push(sizes.some((d) => d === null) ? null : sizes.reduce<number>((n, d) => n + (d as number), 0));
        continue;
      }
      const known = [
        ...new Set(shapes.map((s) => s[i]).filter((d): d is number => d !== null && d !== undefined)),
      ];
      if (i > 0 && known.length > 1) {
        throw this.incompatible(
          shapes,
          `axis ${i} has sizes ${known.join(' and ')}; all but axis ${axis} must agree`,
        );
      }
      out.push(i === 0 ? null : (known[0] ?? null));
    }
    return out;
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    const axis = this.resolveAxis(
      (xs[0] as Tensor).rank,
      xs.map((x) => x.shape),
    );
    return xs.length === 1 ? tf.clone(xs[0] as Tensor) : tf.concat(xs as Tensor[], axis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
