import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { isSelected } from './mask.js';
import { expectError } from './test-utils/expect-error.js';

describe('isSelected', () => {
  it('reads a record or calls a predicate of name and value', () => {
    const p = tf.zeros([2, 3]);
    expect(isSelected({ w: true, b: false }, 'w', p)).toBe(true);
    expect(isSelected({ w: true, b: false }, 'b', p)).toBe(false);
    expect(isSelected((_, x) => x.rank > 1, 'w', p)).toBe(true);
    expectError(
      () => isSelected({ w: true }, 'toString', p),
      'NOT_FOUND',
      /mask has no boolean entry for parameter 'toString'/,
    );
    p.dispose();
  });
});
