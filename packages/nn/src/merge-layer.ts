import { type RandomStream, SteadygradError, type Tensor } from '@steadygrad/core';
import { type CallContext, Layer, type Shape } from './layer.js';
import { describeShapes } from './symbolic-tensor.js';

/**
 * The base of the layers that combine several inputs into one (Keras `Merge`): `Add`, `Multiply`,
 * `Concatenate`. Called on a list (`layer.apply([a, b])`), symbolic or not; a single tensor is
 * `INVALID_ARGUMENT`. They have no parameters. Subclasses give {@link mergedShape} (which checks the shapes
 * and names the layer when they do not fit) and {@link merge}.
 */
export abstract class MergeLayer extends Layer {
  private _shapes: readonly Shape[] | undefined;

  /** The output shape for these input shapes; `SHAPE_MISMATCH` naming the layer when they do not fit. */
  protected abstract mergedShape(shapes: readonly Shape[]): Shape;

  /** The merge itself, on tensors whose shapes were checked. Returns one new tensor. */
  protected abstract merge(xs: readonly Tensor[]): Tensor;

  override symbolicOutputShape(shapes: readonly Shape[]): Shape {
    this.checkCount(shapes.length);
    if (this._shapes !== undefined) this.checkShapes(shapes);
    return this.mergedShape(shapes);
  }

  override buildFromShapes(shapes: readonly Shape[], rng: RandomStream): void {
    this.checkCount(shapes.length);
    this.mergedShape(shapes);
    this._shapes = Object.freeze(shapes.map((s) => Object.freeze([null, ...s.slice(1)])));
    super.build(shapes[0] as Shape, rng);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return this._shapes === undefined ? inputShape : this.mergedShape(this._shapes);
  }

  override applyInputs(xs: readonly Tensor[], ctx: Partial<CallContext> = {}): Tensor {
    if (!this.built) {
      throw new SteadygradError(
        'NOT_BUILT',
        `layer '${this.name}' (${this.className}) is not built: use it in a Model, or call layer.buildFromShapes(shapes, rng)`,
        { details: { layer: this.name } },
      );
    }
    this.checkCount(xs.length);
    this.checkShapes(xs.map((x) => x.shape));
    void ctx;
    return this.merge(xs);
  }

  call(_x: Tensor, _ctx: CallContext): Tensor {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `layer '${this.name}' (${this.className}) merges a list of tensors: call it on [a, b, ...]`,
      { details: { layer: this.name } },
    );
  }

  private checkCount(n: number): void {
    if (n < 1) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `layer '${this.name}' (${this.className}) needs a list of at least one input, got ${n}`,
        { details: { layer: this.name } },
      );
    }
  }

  /** The shapes a built layer accepts: its build shapes' count and every known non-batch axis. */
  private checkShapes(shapes: readonly Shape[]): void {
    const expected = this._shapes;
    if (expected === undefined) return;
    const ok =
      shapes.length === expected.length &&
      expected.every((e, k) => {
        const s = shapes[k] as Shape;
        return s.length === e.length && e.every((d, i) => i === 0 || d === null || d === s[i]);
      });
    if (!ok) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${this.name}' (${this.className}) expects inputs of shapes ${describeShapes(expected)}, got ${describeShapes(shapes)}`,
        {
          details: {
            layer: this.name,
            expected: expected.map((s) => [...s]),
            got: shapes.map((s) => [...s]),
          },
        },
      );
    }
  }

  /** The `SHAPE_MISMATCH` error for inputs this layer cannot merge, naming the layer, the shapes and why. */
  protected incompatible(shapes: readonly Shape[], why: string): SteadygradError {
    return new SteadygradError(
      'SHAPE_MISMATCH',
      `layer '${this.name}' (${this.className}) cannot merge inputs of shapes ${describeShapes(shapes)}: ${why}`,
      { details: { layer: this.name, got: shapes.map((s) => [...s]) } },
    );
  }
}

/**
 * Keras' element-wise merge shape (`_compute_elemwise_op_output_shape`), for inputs of one rank: on every
 * axis the sizes are equal, or one is 1 (broadcast), or unknown (`null`, giving `null`). Keras also accepts
 * inputs of different ranks by inserting axes; we require one rank (`SHAPE_MISMATCH` otherwise).
 */
export abstract class ElementwiseMerge extends MergeLayer {
  protected mergedShape(shapes: readonly Shape[]): Shape {
    const rank = (shapes[0] as Shape).length;
    if (shapes.some((s) => s.length !== rank))
      throw this.incompatible(shapes, 'they must have the same rank');
    const out: (number | null)[] = [null];
    for (let axis = 1; axis < rank; axis++) {
      let size: number | null = 1;
      for (const s of shapes) {
        const d = s[axis] as number | null;
        if (d === null || size === null) size = d === 1 ? size : null;
        else if (size === 1) size = d;
        else if (d !== 1 && d !== size) {
          throw this.incompatible(
            shapes,
            `axis ${axis} has sizes ${size} and ${d} (they must be equal or 1)`,
          );
        }
      }
      out.push(size);
    }
    return out;
  }
}
