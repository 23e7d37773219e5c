import { SteadygradError } from '@steadygrad/core';
import type { Layer } from '@steadygrad/nn';

/** The single-options-object argument of a constructor signature, or `never`. */
type SingleObjectArg<A> = A extends readonly [infer O] ? (O extends object ? O : never) : never;

/**
 * The options type of a layer class: the parameter of its `new (options)` signature. Works for classes
 * with overloads such as nn's `Dense` (`new Dense(options)` and `new Dense(units, options)`): TypeScript
 * only sees the last overload through `ConstructorParameters`, so both (up to two) are inspected and the
 * one that takes a single object is used.
 */
export type LayerOptionsOf<C> = C extends {
  new (...args: infer A1): unknown;
  new (...args: infer A2): unknown;
}
  ? SingleObjectArg<A1> | SingleObjectArg<A2>
  : C extends new (
        ...args: infer A
      ) => unknown
    ? SingleObjectArg<A>
    : never;

/** Properties of `D` that `O` does not have, mapped to `never` (rejects misspelled defaults). */
type NoExtraKeys<D, O> = { readonly [K in Exclude<keyof D, keyof O>]: never };

/**
 * The options the factory takes: everything the defaults do not set stays as declared (required options
 * such as `units` stay required); what the defaults set becomes optional and may be overridden.
 */
export type PartialLayerOptions<O, D> = Omit<O, keyof D> & Partial<Pick<O, Extract<keyof D, keyof O>>>;

/** A layer factory with some options fixed (see {@link partialLayer}). */
export interface PartialLayerFactory<O, L, D> {
  (options: PartialLayerOptions<O, D>): L;
  /** The layer class the factory builds. */
  readonly layerClass: new (
    options: O,
  ) => L;
  /** The fixed options (a frozen copy). */
  readonly defaults: Readonly<D>;
}

/**
 * The seed's `partial(keras.layers.Dense, activation="elu", ...)` (cell 34) as a typed factory:
 *
 * ```ts
 * const RegularizedDense = partialLayer(Dense, {
 *   activation: 'elu', kernelInitializer: 'he_normal', kernelRegularizer: l2(0.01),
 * });
 * RegularizedDense({ units: 300 });                                        // units is required
 * RegularizedDense({ units: 10, activation: 'softmax', kernelInitializer: 'glorot_uniform' }); // override
 * ```
 *
 * The defaults are type-checked against the class's options (a misspelled option is a compile error, and
 * at run time the class validates values as usual). Per call, given options override the defaults; an
 * option given as `undefined` keeps the default (as destructuring defaults do). Every call builds a new
 * layer; the defaults object is shared, so a regularizer or constraint object in it is shared by the
 * layers, which is safe because those are stateless.
 */
export function partialLayer<
  C extends new (
    options: never,
  ) => Layer,
  const D extends Partial<LayerOptionsOf<C>>,
>(
  layerClass: C,
  defaults: D & NoExtraKeys<D, LayerOptionsOf<C>>,
): PartialLayerFactory<LayerOptionsOf<C>, InstanceType<C>, D> {
  if (typeof layerClass !== 'function') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `partialLayer expects a layer class, got ${typeof layerClass}`,
    );
  }
  if (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `partialLayer defaults must be an options object, got ${Array.isArray(defaults) ? 'an array' : JSON.stringify(defaults)}`,
    );
  }
  const fixed = Object.freeze({ ...defaults }) as Readonly<D>;
  const Ctor = layerClass as unknown as new (options: object) => InstanceType<C>;
  const factory = (options: PartialLayerOptions<LayerOptionsOf<C>, D>): InstanceType<C> => {
    if (typeof options !== 'object' || options === null) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `${layerClass.name} factory expects an options object (e.g. { units: 300 }), got ${JSON.stringify(options)}`,
      );
    }
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    return new Ctor({ ...fixed, ...given });
  };
  return Object.assign(factory, { layerClass: layerClass as never, defaults: fixed }) as PartialLayerFactory<
    LayerOptionsOf<C>,
    InstanceType<C>,
    D
  >;
}
