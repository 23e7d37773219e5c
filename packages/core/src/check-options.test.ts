import { describe, expect, it } from 'vitest';
import { checkOptions, optionKeys, suggestName, toCamelCase } from './check-options.js';
import { SteadygradError } from './errors.js';

const SGD_KEYS = ['learningRate', 'momentum', 'nesterov', 'clipValue', 'clipNorm', 'globalClipNorm'];

function caught(fn: () => unknown): SteadygradError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SteadygradError) return e;
    throw e;
  }
  throw new Error('expected a SteadygradError');
}

describe('checkOptions', () => {
  it('passes known keys and absent options through unchanged', () => {
    const o = { learningRate: 0.1, momentum: 0.9 };
    expect(checkOptions('sgd', o, SGD_KEYS)).toBe(o);
    expect(checkOptions('sgd', undefined, SGD_KEYS)).toBeUndefined();
  });

  it.each([
    ['learning_rate', 'learningRate'],
    ['clipvalue', 'clipValue'],
    ['global_clipnorm', 'globalClipNorm'],
    ['lr', 'learningRate'],
    ['momentun', 'momentum'],
  ])('%s is UNKNOWN_OPTION suggesting %s', (key, suggestion) => {
    const e = caught(() => checkOptions('sgd', { [key]: 0.5 }, SGD_KEYS));
    expect(e.code).toBe('UNKNOWN_OPTION');
    expect(e.message).toBe(`sgd: unknown option '${key}'. Did you mean '${suggestion}'?`);
    expect(e.details).toMatchObject({ where: 'sgd', key, suggestion });
  });

  it('lists the known options when nothing is close', () => {
    const e = caught(() => checkOptions('sgd', { zzzzzzzz: 1 }, SGD_KEYS));
    expect(e.message).toContain('Known options: learningRate, momentum');
    expect(e.details.suggestion).toBeUndefined();
  });

  it('rejects an undefined-valued unknown key and a non-object', () => {
    expect(caught(() => checkOptions('fit', { epoch: undefined }, ['epochs'])).code).toBe('UNKNOWN_OPTION');
    expect(caught(() => checkOptions('fit', 3, ['epochs'])).code).toBe('INVALID_ARGUMENT');
    expect(caught(() => checkOptions('fit', [1], ['epochs'])).code).toBe('INVALID_ARGUMENT');
  });

  it('helpers', () => {
    expect(toCamelCase('learning_rate')).toBe('learningRate');
    expect(toCamelCase('kernel-initializer')).toBe('kernelInitializer');
    expect(suggestName('epoch', ['epochs', 'batchSize'])).toBe('epochs');
    expect(suggestName('qqq', ['epochs'])).toBeUndefined();
  });
});

describe('optionKeys', () => {
  interface FooOptions {
    readonly alpha?: number;
    readonly betaGamma?: string;
  }

  it('returns the complete list, frozen, usable by checkOptions', () => {
    const keys = optionKeys<FooOptions>()(['alpha', 'betaGamma']);
    expect(keys).toEqual(['alpha', 'betaGamma']);
    expect(Object.isFrozen(keys)).toBe(true);
    expect(caught(() => checkOptions('foo', { beta_gamma: 'x' }, keys)).message).toBe(
      "foo: unknown option 'beta_gamma'. Did you mean 'betaGamma'?",
    );
  });

  it('a list that leaves a key out does not compile', () => {
    // @ts-expect-error: missingKeys: "betaGamma"
    const partial = optionKeys<FooOptions>()(['alpha']);
    // @ts-expect-error: 'gamma' is not a key of FooOptions
    const extra = optionKeys<FooOptions>()(['alpha', 'betaGamma', 'gamma']);
    expect([partial.length, extra.length]).toEqual([1, 3]);
  });
});
