import { describe, expect, it } from 'vitest';
import { clippingTransforms } from './clipping-options.js';
import { expectError } from './test-utils/expect-error.js';

describe('clippingTransforms', () => {
  it('builds nothing, or exactly one clipping link', () => {
    expect(clippingTransforms({})).toHaveLength(0);
    expect(clippingTransforms({ clipValue: 1 })).toHaveLength(1);
    expect(clippingTransforms({ clipNorm: 1 })).toHaveLength(1);
    expect(clippingTransforms({ globalClipNorm: 1 })).toHaveLength(1);
  });

  it('allows only one of the three options, as Keras 3', () => {
    expectError(
      () => clippingTransforms({ clipNorm: 1, globalClipNorm: 2 }),
      'INVALID_ARGUMENT',
      /only one of clipValue, clipNorm and globalClipNorm may be set \(as in Keras 3\), got clipNorm=1, globalClipNorm=2/,
    );
    expectError(
      () => clippingTransforms({ clipNorm: 0 }),
      'INVALID_ARGUMENT',
      /clipNorm must be a finite number > 0, got 0/,
    );
  });
});
