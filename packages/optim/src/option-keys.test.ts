import { describe, expect, it } from 'vitest';
import { adagrad } from './adagrad.js';
import { adam } from './adam.js';
import { adamax } from './adamax.js';
import { adamw } from './adamw.js';
import { addDecayedWeights } from './add-decayed-weights.js';
import { nadam } from './nadam.js';
import { rmsprop } from './rmsprop.js';
import { scaleByAdagrad } from './scale-by-adagrad.js';
import { scaleByAdam } from './scale-by-adam.js';
import { scaleByAdamax } from './scale-by-adamax.js';
import { scaleByNadam } from './scale-by-nadam.js';
import { scaleByRms } from './scale-by-rms.js';
import { sgd } from './sgd.js';
import { expectError } from './test-utils/expect-error.js';
import { trace } from './trace.js';

// Every optimizer and transformation that takes an options object rejects an unknown key before building
// anything, with the Keras / PyTorch spelling mapped to ours.
const OPTIMIZERS = { sgd, adam, adamw, nadam, adamax, adagrad, rmsprop } as const;

describe('unknown options', () => {
  it.each(Object.entries(OPTIMIZERS))('%s: lr, learning_rate, clipvalue, global_clipnorm', (name, make) => {
    const call = make as (o: object) => unknown;
    const spellings: [string, string][] = [
      ['lr', 'learningRate'],
      ['learning_rate', 'learningRate'],
      ['clipvalue', 'clipValue'],
      ['clipnorm', 'clipNorm'],
      ['global_clipnorm', 'globalClipNorm'],
    ];
    for (const [key, meant] of spellings) {
      expectError(
        () => call({ [key]: 0.5 }),
        'UNKNOWN_OPTION',
        `${name}: unknown option '${key}'. Did you mean '${meant}'?`,
      );
    }
  });

  it('sgd({ momentun }), adamw({ weight_decay }), adam({ beta_1 }), rmsprop({ eps })', () => {
    expectError(() => sgd({ momentun: 0.9 } as object), 'UNKNOWN_OPTION', /Did you mean 'momentum'\?/);
    expectError(
      () => adamw({ weight_decay: 0.1 } as object),
      'UNKNOWN_OPTION',
      /Did you mean 'weightDecay'\?/,
    );
    expectError(() => adam({ beta_1: 0.8 } as object), 'UNKNOWN_OPTION', /Did you mean 'beta1'\?/);
    expectError(() => rmsprop({ eps: 1e-8 } as object), 'UNKNOWN_OPTION', /Did you mean 'epsilon'\?/);
  });

  it('the optax-style transformations check their own options', () => {
    const cases: [string, (o: object) => unknown, string, string][] = [
      ['scaleByAdam', (o) => scaleByAdam(o), 'beta1', 'Known options: b1, b2, eps, amsgrad'],
      ['scaleByAdamax', (o) => scaleByAdamax(o), 'b_1', "Did you mean 'b1'"],
      ['scaleByNadam', (o) => scaleByNadam(o), 'epsilon', 'Known options: b1, b2, eps'],
      [
        'scaleByAdagrad',
        (o) => scaleByAdagrad(o),
        'initial_accumulator_value',
        "Did you mean 'initialAccumulatorValue'",
      ],
      ['scaleByRms', (o) => scaleByRms(o), 'Centered', "Did you mean 'centered'"],
      ['trace', (o) => trace({ decay: 0.9, ...o }), 'nesterow', "Did you mean 'nesterov'"],
      ['addDecayedWeights', (o) => addDecayedWeights(0.1, o), 'masks', "Did you mean 'mask'"],
    ];
    for (const [where, call, key, hint] of cases) {
      expectError(() => call({ [key]: 1 }), 'UNKNOWN_OPTION', `${where}: unknown option '${key}'. ${hint}`);
    }
  });

  it('known options still build', () => {
    expect(sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, clipValue: 1 }).init).toBeTypeOf(
      'function',
    );
    expect(adamw({ weightDecay: 0.01, beta1: 0.8, amsgrad: true, globalClipNorm: 1 }).init).toBeTypeOf(
      'function',
    );
  });
});
