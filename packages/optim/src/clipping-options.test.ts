import { describe, expect, it } from 'vitest';
import { clippingTransforms } from './clipping-options.js';
import { expectError } from './test-utils/expect-error.js';

describe('clippingTransforms', () => {
  it('builds nothing, or exactly one clipping link', () => {
    expect(clippingTransforms({})).toHaveLength(0);
    expect(clippingTransforms({ clipvalue: 1 })).toHaveLength(1);
    expect(clippingTransforms({ clipnorm: 1 })).toHaveLength(1);
    expect(clippingTransforms({ globalClipnorm: 1 })).toHaveLength(1);
  });

  it('allows only one of the three options, as Keras 3', () => {
    expectError(
      () => clippingTransforms({ clipnorm: 1, globalClipnorm: 2 }),
      'INVALID_ARGUMENT',
      /only one of clipvalue, clipnorm and globalClipnorm may be set \(as in Keras 3\), got clipnorm=1, globalClipnorm=2/,
    );
    expectError(
      () => clippingTransforms({ clipnorm: 0 }),
      'INVALID_ARGUMENT',
      /clipnorm must be a finite number > 0, got 0/,
    );
  });
});
