import { registerGradients } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tanh } from './tanh.js';
import { expectMatchesTorch } from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('tanh', () => {
  it('matches PyTorch in value and gradient', () => {
    expectMatchesTorch(tanh, 'tanh');
  });
  it('pairs with Glorot', () => {
    expect(tanh.pairsWith).toBe('glorot');
  });
});
