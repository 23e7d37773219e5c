import {
  checkNumber,
  checkOptions,
  optionKeys,
  type Schedule,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { fillLike, mapUpdates, stateOf } from './per-parameter.js';
import type { Transform } from './transform.js';

/** Options of `trace`: the momentum decay and Nesterov. */
export interface TraceOptions {
  /**
   * Momentum μ in [0, 1), or a schedule `(step) => μ_t` (e.g. `oneCycle(...).momentum` from
   * `@steadygrad/schedules`) evaluated at t = updates done before this one (0 first), the step count
   * `scaleByLearningRate` evaluates a learning-rate schedule at. A schedule's values are checked when used.
   */
  readonly decay: number | Schedule;
  /** Nesterov look-ahead: output `μ·t + u` instead of `t`. Default false. */
  readonly nesterov?: boolean;
}

const KEYS = optionKeys<TraceOptions>()(['decay', 'nesterov']);

/** The state of `trace`: the momentum buffer of each parameter. */
export interface TraceState {
  readonly trace: Readonly<Record<string, Tensor>>;
  /** Updates done (plain number); present only when `decay` is a schedule. */
  readonly count?: number;
}

/** μ_t: the constant, or the schedule's value at `step` (validated in [0, 1)). */
export function momentumAt(decay: number | Schedule, step: number): number {
  if (typeof decay === 'number') return decay;
  return checkNumber(`momentum schedule value at step ${step}`, decay(step), { min: 0, below: 1 });
}

function checkDecay(decay: unknown): number | Schedule {
  if (typeof decay === 'function') return decay as Schedule;
  if (typeof decay !== 'number') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `decay must be a finite number >= 0 < 1 or a schedule (step) => number, got ${JSON.stringify(decay)}`,
      { details: { name: 'decay', value: decay } },
    );
  }
  return checkNumber('decay', decay, { min: 0, below: 1 });
}

/**
 * Momentum (optax `trace`): `t ← μ·t + u`; output `t`, or `μ·t + u` with Nesterov.
 *
 * Placed *after* `scaleByLearningRate` (so `u = −lr·g`) it is exactly Keras 3's SGD momentum
 * `v ← μ·v − lr·g; w ← w + v` (Nesterov: `w ← w + μ·v − lr·g`), including when the learning rate changes
 * mid-run. PyTorch keeps `b ← μ·b + g; w ← w − lr·b` (trace *before* the learning rate): identical for a
 * constant learning rate, different after a change (Keras's velocity keeps the old rate's steps).
 * Two kernels per parameter (four with Nesterov), one scalar per update call.
 *
 * With a momentum schedule, `t ← μ_t·t + u` (Nesterov `μ_t·t + u`) where `μ_t = decay(count)`, computed on
 * the host once per update; the state then carries `count`. Placed after the learning rate this is Keras's
 * velocity with a per-step μ_t; PyTorch's `OneCycleLR(cycle_momentum=True)` sets the momentum of its own form
 * `b ← μ_t·b + g; w ← w − lr_t·b`, which differs from this one whenever lr_t changes (as it does in 1cycle).
 */
export function trace(options: TraceOptions): Transform<TraceState> {
  checkOptions('trace', options, KEYS);
  const { decay: decayOption, nesterov = false } = options;
  const decay = checkDecay(decayOption);
  const scheduled = typeof decay === 'function';
  return {
    init: (params) => (scheduled ? { trace: fillLike(params), count: 0 } : { trace: fillLike(params) }),
    update(updates, state) {
      const count = state.count ?? 0;
      const mu = tf.scalar(momentumAt(decay, count));
      const next: Record<string, Tensor> = {};
      const out = mapUpdates(updates, (u, name) => {
        const t = tf.add(tf.mul(stateOf(state.trace, name, 'trace'), mu), u);
        next[name] = t;
        return nesterov ? tf.add(tf.mul(t, mu), u) : t;
      });
      return { updates: out, state: scheduled ? { trace: next, count: count + 1 } : { trace: next } };
    },
  };
}
