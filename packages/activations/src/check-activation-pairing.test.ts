import { describe, expect, it, vi } from 'vitest';
import {
  checkActivationPairing,
  checkDropoutPairing,
  createPairingChecker,
  dropoutPairingWarning,
  initializerFamily,
  pairingWarning,
} from './check-activation-pairing.js';
import { selu } from './selu.js';

describe('initializerFamily', () => {
  it('classifies Keras names, aliases and variance-scaling configs', () => {
    expect(initializerFamily('lecun_normal')).toBe('lecun');
    expect(initializerFamily('LecunUniform')).toBe('lecun');
    expect(initializerFamily('glorot_uniform')).toBe('glorot');
    expect(initializerFamily('xavierNormal')).toBe('glorot');
    expect(initializerFamily('he_normal')).toBe('he');
    expect(initializerFamily({ name: 'variance_scaling', config: { scale: 1, mode: 'fanIn' } })).toBe(
      'lecun',
    );
    expect(initializerFamily({ name: 'variance_scaling', config: { scale: 2, mode: 'fan_in' } })).toBe('he');
    expect(
      initializerFamily({ name: 'variance_scaling', config: { scale: 2, mode: 'fanAvg' } }),
    ).toBeUndefined();
    expect(initializerFamily('random_normal')).toBeUndefined();
    expect(initializerFamily('heaviside')).toBeUndefined();
  });
});

describe('pairingWarning', () => {
  it('speaks only for SELU with a non-LeCun initializer', () => {
    expect(pairingWarning('selu', 'lecun_normal')).toBeUndefined();
    expect(pairingWarning(selu, { name: 'lecun_uniform' })).toBeUndefined();
    expect(pairingWarning('relu', 'glorot_uniform')).toBeUndefined();
    expect(pairingWarning('selu', 'he_normal')).toBe(
      "activation 'selu' self-normalizes only with LeCun initialization; got initializer 'he_normal'. " +
        'Use kernelInitializer: \'lecun_normal\' (Klambauer et al., 2017; seed cell 4: "using the lecun initializer is necessary for SELU").',
    );
  });
});

describe('createPairingChecker', () => {
  it('warns once per (activation, initializer) pair, with its own memory', () => {
    const warn = vi.fn();
    const check = createPairingChecker({ warn });
    expect(check('selu', 'glorot_uniform')).toBe(true);
    expect(check(selu, 'glorot_uniform')).toBe(false);
    expect(check('selu', 'he_normal')).toBe(true);
    expect(check('selu', 'lecun_normal')).toBe(false);
    expect(check('relu', 'random_normal')).toBe(false);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]?.[0]).toMatch(/got initializer 'glorot_uniform'/);
    const other = vi.fn();
    expect(createPairingChecker({ warn: other })('selu', 'glorot_uniform')).toBe(true);
    expect(other).toHaveBeenCalledTimes(1);
  });
});

describe('checkActivationPairing', () => {
  it('warns once per pair and warn sink', () => {
    const warn = vi.fn();
    for (let i = 0; i < 5; i++) checkActivationPairing('selu', 'glorot_uniform', { warn });
    checkActivationPairing('selu', { name: 'orthogonal', config: {} }, { warn });
    checkActivationPairing('selu', 'lecun_normal', { warn });
    expect(warn).toHaveBeenCalledTimes(2);
    const second = vi.fn();
    checkActivationPairing('selu', 'glorot_uniform', { warn: second });
    expect(second).toHaveBeenCalledTimes(1);
  });
  it('defaults to console.warn', () => {
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      checkActivationPairing('selu', 'zeros');
      checkActivationPairing('selu', 'zeros');
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('checkDropoutPairing', () => {
  it('warns once when SELU meets plain dropout, never for alpha dropout or other activations', () => {
    expect(dropoutPairingWarning('selu', 'AlphaDropout')).toBeUndefined();
    expect(dropoutPairingWarning('relu', 'Dropout')).toBeUndefined();
    expect(dropoutPairingWarning('selu', 'Dropout')).toMatch(
      /'selu' loses its self-normalization under plain Dropout; use alpha dropout/,
    );
    const warn = vi.fn();
    expect(checkDropoutPairing('selu', 'Dropout', { warn })).toBe(true);
    expect(checkDropoutPairing(selu, 'Dropout', { warn })).toBe(false);
    expect(checkDropoutPairing('selu', 'alpha_dropout', { warn })).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
