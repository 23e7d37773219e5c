import { Activation, Dense, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { Dropout } from '@steadygrad/regularization';
import { describe, expect, it } from 'vitest';
import { compile } from './trainer.js';

function warningsOf(model: Sequential, pairingWarnings?: boolean): string[] {
  const messages: string[] = [];
  const trainer = compile(model, {
    loss: 'mse',
    optimizer: sgd(),
    pairingWarnings: pairingWarnings === false ? false : (m) => messages.push(m),
  });
  trainer.dispose();
  return messages;
}

describe('compile warns about the chapter pairing lessons by itself', () => {
  it('SELU with the default Glorot initializer warns once, naming the fix', () => {
    const model = () => new Sequential([new Dense({ units: 4, activation: 'selu', inputShape: [3] })]);
    const first = warningsOf(model());
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(
      /activation 'selu' self-normalizes only with LeCun initialization; got initializer 'glorot_uniform'/,
    );
    expect(first[0]).toContain("kernelInitializer: 'lecun_normal'");
    // once per pair and sink: a second model with the same pair and a fresh sink warns again, the same sink does not
    expect(warningsOf(model())).toHaveLength(1);
  });

  it('SELU with LeCun initialization is quiet; Dense + Activation("selu") is judged with the Dense initializer', () => {
    expect(
      warningsOf(
        new Sequential([
          new Dense({ units: 4, activation: 'selu', kernelInitializer: 'lecun_normal', inputShape: [3] }),
        ]),
      ),
    ).toEqual([]);
    const split = warningsOf(
      new Sequential([
        new Dense({ units: 4, kernelInitializer: 'he_normal', inputShape: [3] }),
        new Activation('selu'),
      ]),
    );
    expect(split).toHaveLength(1);
    expect(split[0]).toContain("got initializer 'he_normal'");
  });

  it('SELU with plain Dropout warns; pairingWarnings: false silences everything', () => {
    const model = () =>
      new Sequential([
        new Dense({ units: 4, activation: 'selu', kernelInitializer: 'lecun_normal', inputShape: [3] }),
        new Dropout({ rate: 0.2 }),
      ]);
    const messages = warningsOf(model());
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/loses its self-normalization under plain Dropout; use alpha dropout/);
    expect(warningsOf(model(), false)).toEqual([]);
    expect(() => compile(model(), { loss: 'mse', optimizer: sgd(), pairingWarnings: 'no' as never })).toThrow(
      /pairingWarnings must be a boolean or a function/,
    );
  });
});
