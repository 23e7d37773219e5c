import { describe, expect, it } from 'vitest';
import { isSteadygradError, type SteadygradError } from './errors.js';
import { checkBoolean, checkNumber, checkOneOf } from './validate.js';

describe('checkNumber / checkOneOf / checkBoolean', () => {
  it('returns valid values', () => {
    expect(checkNumber('lr', 0.1, { min: 0 })).toBe(0.1);
    expect(checkNumber('momentum', 0, { min: 0, below: 1 })).toBe(0);
    expect(checkOneOf('mode', 'fanIn', ['fanIn', 'fanOut'])).toBe('fanIn');
  });

  it('names the parameter, the domain and the value', () => {
    try {
      checkNumber('learningRate', -1, { min: 0 });
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as SteadygradError).message).toBe('learningRate must be a finite number >= 0, got -1');
      expect((e as SteadygradError).details).toMatchObject({ name: 'learningRate', value: -1 });
    }
    expect(() => checkNumber('momentum', 1, { min: 0, below: 1 })).toThrow(
      'momentum must be a finite number >= 0 < 1, got 1',
    );
    expect(() => checkNumber('epochs', 2.5, { integer: true, min: 1 })).toThrow(
      'epochs must be an integer >= 1, got 2.5',
    );
    expect(() => checkNumber('eps', Number.NaN, { above: 0 })).toThrow(
      'eps must be a finite number > 0, got NaN',
    );
    expect(() => checkNumber('x', '3')).toThrow('x must be a finite number, got "3"');
    expect(() => checkOneOf('mode', 'fan', ['fanIn', 'fanOut'])).toThrow(
      `mode must be one of 'fanIn', 'fanOut', got "fan"`,
    );
  });

  it('checkBoolean takes only booleans (no truthy/falsy coercion)', () => {
    expect(checkBoolean('flag', false)).toBe(false);
    expect(checkBoolean('flag', true)).toBe(true);
    for (const bad of [0, 1, 'true', null, undefined]) {
      expect(() => checkBoolean('flag', bad)).toThrow(`flag must be a boolean, got ${JSON.stringify(bad)}`);
    }
    try {
      checkBoolean('flag', 'yes');
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as SteadygradError).details).toEqual({ name: 'flag', value: 'yes' });
    }
  });
});
