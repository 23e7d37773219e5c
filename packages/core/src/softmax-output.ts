import type { Tensor } from './tf.js';

/**
 * The tensors that are the output of a last-axis softmax. Keras 3 caches a softmax's logits on its output
 * (`_keras_logits`) and its cross-entropy losses then compute from the logits instead of clipping the
 * probabilities; this is steadygrad's equivalent: the layers that compute a softmax mark their output, and
 * the probability-input cross-entropy losses compute exactly (no ε clip) on a marked tensor. A WeakSet:
 * marking keeps nothing alive and a disposed tensor simply drops out.
 */
const softmaxOutputs = new WeakSet<Tensor>();

/** Marks `t` as the output of a softmax over its last axis and returns it. */
export function markSoftmaxOutput<T extends Tensor>(t: T): T {
  softmaxOutputs.add(t);
  return t;
}

/** True when `t` was marked by {@link markSoftmaxOutput}: it holds probabilities from a last-axis softmax. */
export function isSoftmaxOutput(t: Tensor): boolean {
  return softmaxOutputs.has(t);
}
