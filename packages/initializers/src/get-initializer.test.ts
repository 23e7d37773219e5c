import { type Initializer, isSteadygradError, RandomStream, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import {
  getInitializer,
  INITIALIZER_ALIASES,
  INITIALIZER_NAMES,
  initializerFromConfig,
} from './get-initializer.js';
import { heNormal } from './named-schemes.js';
import { draw } from './test-utils/draw.js';
import { varianceScaling } from './variance-scaling.js';

const shapeFor = (name: string) => (name === 'identity' ? [4, 4] : [6, 5]);

describe('getInitializer', () => {
  it('resolves every Keras name to an initializer of that name that draws a float32 tensor', () => {
    expect(INITIALIZER_NAMES).toEqual([
      'zeros',
      'ones',
      'constant',
      'random_normal',
      'random_uniform',
      'truncated_normal',
      'variance_scaling',
      'glorot_uniform',
      'glorot_normal',
      'he_normal',
      'he_uniform',
      'lecun_normal',
      'lecun_uniform',
      'orthogonal',
      'identity',
    ]);
    for (const name of INITIALIZER_NAMES) {
      const init = getInitializer(name);
      expect(init.name).toBe(name);
      expect(draw(init, shapeFor(name), 1).length).toBe(shapeFor(name).reduce((a, b) => a * b, 1));
    }
  });

  it('resolves aliases (Keras class names, Keras 3 short names, camelCase, Xavier)', () => {
    expect(getInitializer('xavier_uniform').name).toBe('glorot_uniform');
    expect(getInitializer('xavier_normal').name).toBe('glorot_normal');
    expect(getInitializer('GlorotUniform').name).toBe('glorot_uniform');
    expect(getInitializer('heNormal').name).toBe('he_normal');
    expect(getInitializer('normal').name).toBe('random_normal');
    expect(getInitializer('zero').name).toBe('zeros');
    for (const [alias, name] of Object.entries(INITIALIZER_ALIASES)) {
      expect(INITIALIZER_NAMES).toContain(name);
      expect(getInitializer(alias).name).toBe(name);
    }
  });

  it('a named string draws exactly what the function draws for the same seed', () => {
    expect(draw(getInitializer('he_normal'), [8, 3], 7)).toEqual(draw(heNormal(), [8, 3], 7));
  });

  it('passes an Initializer object through unchanged, including user-defined ones', () => {
    const vs = varianceScaling({ scale: 2, mode: 'fanAvg', distribution: 'uniform' });
    expect(getInitializer(vs)).toBe(vs);
    const custom: Initializer = {
      name: 'my_init',
      config: {},
      init: (shape: readonly number[], rng: RandomStream) => tf.fill([...shape], rng.uniform()),
    };
    expect(getInitializer(custom)).toBe(custom);
  });

  it('an unknown name is UNKNOWN_NAME listing the valid names', () => {
    let caught: unknown;
    try {
      getInitializer('kaiming_normal');
    } catch (e) {
      caught = e;
    }
    expect(isSteadygradError(caught, 'UNKNOWN_NAME')).toBe(true);
    const message = (caught as Error).message;
    expect(message).toMatch(/^unknown initializer "kaiming_normal"\. Valid names: 'zeros', 'ones'/);
    for (const name of INITIALIZER_NAMES) expect(message).toContain(`'${name}'`);
    expect((caught as { details: { valid: unknown } }).details.valid).toEqual(INITIALIZER_NAMES);
  });

  it('a value that is neither a name nor an initializer is INVALID_ARGUMENT', () => {
    for (const bad of [42, null, undefined, { name: 'x' }]) {
      let caught: unknown;
      try {
        getInitializer(bad as never);
      } catch (e) {
        caught = e;
      }
      expect(isSteadygradError(caught, 'INVALID_ARGUMENT')).toBe(true);
      expect((caught as Error).message).toMatch(
        /initializer must be a name \(one of 'zeros'.*\) or an object/,
      );
    }
  });
});

describe('initializerFromConfig', () => {
  it('rebuilds every configurable initializer from its name and config (same draws)', () => {
    const originals = [
      varianceScaling({ scale: 0.5, mode: 'fan_out', distribution: 'untruncated_normal' }),
      getInitializer('glorot_uniform'),
      getInitializer('random_uniform'),
      getInitializer('truncated_normal'),
      getInitializer('orthogonal'),
      getInitializer('identity'),
      getInitializer('constant'),
    ];
    for (const original of originals) {
      const rebuilt = initializerFromConfig(original.name, original.config);
      expect(rebuilt.name).toBe(original.name);
      expect(rebuilt.config).toEqual(original.config);
      const shape = shapeFor(original.name);
      expect(draw(rebuilt, shape, 3)).toEqual(draw(original, shape, 3));
    }
  });

  it('validates the config values', () => {
    expect(() => initializerFromConfig('variance_scaling', { scale: -1 })).toThrow(/scale must be/);
    expect(() => initializerFromConfig('nope')).toThrow(/unknown initializer "nope"/);
  });
});

describe('every initializer', () => {
  it('is deterministic by seed, frozen, and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    for (const name of INITIALIZER_NAMES) {
      const init = getInitializer(name);
      expect(Object.isFrozen(init)).toBe(true);
      expect(Object.isFrozen(init.config)).toBe(true);
      const shape = shapeFor(name);
      const a = init.init(shape, new RandomStream(123));
      const b = init.init(shape, new RandomStream(123));
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      tf.dispose([a, b]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
