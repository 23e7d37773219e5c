import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { backendTraits } from './backend-traits.js';
import { setHostSimdEnabled } from './simd-module.js';

afterAll(async () => {
  setHostSimdEnabled(true);
  await tf.setBackend('cpu');
});

describe('backendTraits: capabilities, not names', () => {
  it('cpu: host loops on plain arrays, no SIMD, no re-packed operand', async () => {
    await tf.setBackend('cpu');
    expect(backendTraits()).toEqual({ hostSimd: false, hostLoopsScalar: false, repacksMatMulOperand: false });
  });

  it('wasm: SIMD host loops where WebAssembly SIMD runs; scalar loops when it is turned off', async () => {
    await tf.setBackend('wasm');
    setHostSimdEnabled(true);
    expect(backendTraits()).toEqual({ hostSimd: true, hostLoopsScalar: false, repacksMatMulOperand: true });
    setHostSimdEnabled(false);
    expect(backendTraits()).toEqual({ hostSimd: false, hostLoopsScalar: true, repacksMatMulOperand: true });
    setHostSimdEnabled(true);
  });
});
