import { describe, expect, it } from 'vitest';
import { SteadygradError } from './errors.js';
import { type KerasName, resolveName, toSnakeCase } from './resolve-name.js';

const LOSSES = [
  'sparse_categorical_crossentropy',
  'binary_crossentropy',
  'mean_squared_error',
  'mse',
] as const;

function caught(fn: () => unknown): SteadygradError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SteadygradError) return e;
    throw e;
  }
  throw new Error('expected a SteadygradError');
}

describe('resolveName', () => {
  it('accepts the Keras name, its camelCase and PascalCase spellings and the aliases', () => {
    expect(resolveName('loss', 'sparse_categorical_crossentropy', LOSSES)).toBe(
      'sparse_categorical_crossentropy',
    );
    expect(resolveName('loss', 'sparseCategoricalCrossentropy', LOSSES)).toBe(
      'sparse_categorical_crossentropy',
    );
    expect(resolveName('loss', 'SparseCategoricalCrossentropy', LOSSES)).toBe(
      'sparse_categorical_crossentropy',
    );
    expect(resolveName('loss', 'meanSquaredError', LOSSES)).toBe('mean_squared_error');
    expect(resolveName('loss', 'MSE', LOSSES)).toBe('mse');
    expect(resolveName('loss', 'l2_loss', LOSSES, { l2_loss: 'mse' })).toBe('mse');
    expect(resolveName('loss', 'l2Loss', LOSSES, { l2_loss: 'mse' })).toBe('mse');
  });

  it.each([
    ['sparse_categorical_crossentropyy', 'sparse_categorical_crossentropy'],
    ['sparseCategoricalCrossEntropy', 'sparse_categorical_crossentropy'],
    ['binary_cross_entropy', 'binary_crossentropy'],
    ['mean_square_error', 'mean_squared_error'],
    ['l2loss', 'mse'],
  ])('%s is UNKNOWN_NAME suggesting %s', (name, suggestion) => {
    const e = caught(() => resolveName('loss', name, LOSSES, { l2_loss: 'mse' }, 'or pass a loss function'));
    expect(e.code).toBe('UNKNOWN_NAME');
    expect(e.message).toBe(
      `unknown loss "${name}". Did you mean '${suggestion}'? Valid names: 'sparse_categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error', 'mse' (snake_case or camelCase), or pass a loss function.`,
    );
    expect(e.details).toMatchObject({ kind: 'loss', name, suggestion });
  });

  it('says nothing it cannot back when no name is close', () => {
    const e = caught(() => resolveName('loss', 'hinge', LOSSES));
    expect(e.message).toMatch(/^unknown loss "hinge"\. Valid names: /);
    expect(e.details.suggestion).toBeUndefined();
  });

  it('toSnakeCase and the KerasName type', () => {
    expect(toSnakeCase('sparseCategoricalCrossentropy')).toBe('sparse_categorical_crossentropy');
    expect(toSnakeCase('GlorotUniform')).toBe('glorot_uniform');
    expect(toSnakeCase('L1L2')).toBe('l1_l2');
    expect(toSnakeCase('GELU')).toBe('gelu');
    expect(toSnakeCase('he_normal')).toBe('he_normal');
    const names: KerasName<'he_normal' | 'l1_l2'>[] = ['he_normal', 'heNormal', 'l1_l2', 'l1L2'];
    expect(names).toHaveLength(4);
  });
});
