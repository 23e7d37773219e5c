import { type Params, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import type { EmptyState, Transform } from './transform.js';

/**
 * A projection over parameters: the projected values of those it constrains (keyed by parameter name), given
 * the values after the update. Parameters it leaves out are not projected. Called inside the optimizer's
 * `tf.tidy`; it must not dispose its inputs.
 */
export type ParameterProjection = (params: Params) => Params;

/**
 * Projects the parameters after the update (optax's projections, as the last link of a chain): for each
 * parameter `w` that `project` returns a value for, the update `u` becomes `project(w + u) − w`, so that the
 * optimizer's `w + u'` lands on the projected point — e.g. a max-norm or non-negativity constraint,
 * `chain(sgd({ learningRate: 0.1 }), projection(({ kernel }) => ({ kernel: tf.relu(kernel) })))`. The other
 * updates pass through as the very same tensors. Stateless; needs `params` in `update`.
 *
 * Convention: `w + (p − w)` equals `p` up to one float rounding (exact when `p = w + u`, i.e. where the
 * projection changes nothing); a constraint applied to the variable after the step (Keras's
 * `kernel_constraint`, nn's `applyConstraints`) assigns `p` itself. Place it last: a later link would move the
 * parameters off the constraint set again.
 *
 * @throws SteadygradError `INVALID_ARGUMENT` when `project` is not a function; `NOT_FOUND` when `update` is not
 *   given the values of the parameters; `SHAPE_MISMATCH` when a projected value's shape differs from its
 *   parameter's.
 */
export function projection(project: ParameterProjection): Transform<EmptyState> {
  if (typeof project !== 'function') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `projection expects a function (params) => projected params, got ${typeof project}`,
    );
  }
  return {
    descriptor: { name: 'projection', config: { project: '<function>' } },
    init: () => null,
    update(updates, state, params) {
      if (params === undefined) {
        throw new SteadygradError(
          'NOT_FOUND',
          'projection needs the parameter values: call update(updates, state, params)',
        );
      }
      const moved: Record<string, Tensor> = {};
      for (const [name, u] of Object.entries(updates)) {
        const w = Object.hasOwn(params, name) ? params[name] : undefined;
        if (w === undefined) {
          throw new SteadygradError('NOT_FOUND', `projection needs the value of parameter '${name}'`, {
            details: { parameter: name },
          });
        }
        moved[name] = tf.add(w, u.dtype === w.dtype ? u : tf.cast(u, w.dtype));
      }
      const projected = project(moved);
      const out: Record<string, Tensor> = { ...updates };
      for (const [name, p] of Object.entries(projected)) {
        const w = Object.hasOwn(updates, name) ? params[name] : undefined;
        if (w === undefined) continue;
        if (!tf.util.arraysEqual(p.shape, w.shape)) {
          throw new SteadygradError(
            'SHAPE_MISMATCH',
            `projection returned shape [${p.shape}] for parameter '${name}' of shape [${w.shape}]`,
            { details: { parameter: name, expected: w.shape, got: p.shape } },
          );
        }
        out[name] = tf.sub(p, w);
      }
      return { updates: out, state };
    },
  };
}
