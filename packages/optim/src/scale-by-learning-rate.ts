import { checkNumber, type ScalarOrSchedule, tf } from '@steadygrad/core';
import { checkLearningRate, learningRateAt } from './learning-rate.js';
import { mapUpdates } from './per-parameter.js';
import type { Transform } from './transform.js';

/**
 * State of {@link scaleByLearningRate}: `count` updates done (a plain number, never read from the device) and
 * the injected learning rate (`null` = use the constructor's number or schedule).
 */
export interface ScaleByLearningRateState {
  readonly count: number;
  readonly learningRate: number | null;
}

/**
 * `u ← −lr_t·u`, where `lr_t` is `learningRate` or `learningRate(t)` for a schedule, `t` = number of updates
 * done before this one (0 on the first), like Keras evaluating a schedule at `optimizer.iterations`.
 * The sign flip turns a descent direction into an update that is *added* to the parameters.
 *
 * The learning rate is injectable: `transform.learningRate.set(state, lr)` stores `lr` in the state and
 * it replaces the number/schedule from then on (used by `Optimizer.setLearningRate` and LR callbacks);
 * `transform.learningRate.get(state)` is the rate the next update uses. One scalar is uploaded per update
 * call, shared by all parameters.
 */
export function scaleByLearningRate(learningRate: ScalarOrSchedule): Transform<ScaleByLearningRateState> {
  const lr = checkLearningRate('learningRate', learningRate);
  const current = (state: ScaleByLearningRateState): number =>
    state.learningRate ?? learningRateAt(lr, state.count);
  return {
    init: () => ({ count: 0, learningRate: null }),
    update(updates, state) {
      const factor = tf.scalar(-current(state));
      return {
        updates: mapUpdates(updates, (u) => tf.mul(u, factor)),
        state: { count: state.count + 1, learningRate: state.learningRate },
      };
    },
    learningRate: {
      get: current,
      set: (state, value) => ({ ...state, learningRate: checkNumber('learningRate', value, { min: 0 }) }),
    },
  };
}
