import type { Tensor } from '@steadygrad/core';
import type { CallContext, Layer } from './layer.js';

/**
 * A fusion rule: a chain of consecutive layer calls (each one's output read only by the next) that can run
 * as ONE computation, with the values, gradients and side effects of the layers applied one after the other.
 *
 * A rule is declared by the layer that owns the math of the chain's first layer, through
 * {@link Layer.fusionRules} (normalization's `BatchNormalization` declares BatchNormalization → Dense). A
 * container compiles its layers into an execution plan once, when it is built, trying each layer's rules
 * there ({@link FusionRule.matches}: classes, configurations, built shapes); its forward pass then runs the
 * plan, asking a fused step's rule to run it ({@link FusionRule.apply}), which may decline for one call
 * (inference mode, a backend or dtype the fused kernel does not cover): the layers then run one by one.
 * Rules are plain objects: nn defines this contract and the planner, and knows no rule.
 */
export interface FusionRule {
  /** What the plan's description shows, e.g. `'BatchNormalization → Dense'`. */
  readonly name: string;
  /** How many consecutive layers the rule spans (2 for a pair), the declaring layer first. */
  readonly length: number;
  /**
   * Compile time (once, when the container builds): whether the rule fuses this chain of built layers, the
   * declaring layer first. Looks at classes, configurations and built shapes only, never at values.
   */
  matches(chain: readonly Layer[]): boolean;
  /**
   * Run time: the chain's output for `x` (what applying its layers one after the other returns, same side
   * effects: moving statistics, `ctx.losses`), or `undefined`, having done nothing, when this call cannot be
   * fused; the plan then applies the layers one by one. When `intermediates` is given (probes that measure
   * every layer's output), the rule pushes the outputs of the chain's layers but the last, in order, as new
   * tensors the caller owns (their values only: they are not on the gradient tape).
   */
  apply(chain: readonly Layer[], x: Tensor, ctx: CallContext, intermediates?: Tensor[]): Tensor | undefined;
}
