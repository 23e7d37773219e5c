import { registerGradients } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sigmoid } from './sigmoid.js';
import { expectMatchesTorch } from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('sigmoid', () => {
  it('matches PyTorch in value and gradient', () => {
    expectMatchesTorch(sigmoid, 'sigmoid');
  });
  it('pairs with Glorot', () => {
    expect(sigmoid.pairsWith).toBe('glorot');
  });
});
