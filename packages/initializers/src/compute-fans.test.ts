import { isSteadygradError } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { computeFans } from './compute-fans.js';
import fixture from './fixtures/fans.json' with { type: 'json' };

describe('computeFans (Keras 3 rules)', () => {
  it('dense kernel [in, out]', () => {
    expect(computeFans([784, 300])).toEqual({ fanIn: 784, fanOut: 300 });
  });

  it('conv kernels [...receptive, in, out] multiply the receptive field', () => {
    expect(computeFans([5, 3, 8])).toEqual({ fanIn: 15, fanOut: 40 }); // Conv1D k=5, 3 -> 8
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 }); // Conv2D 3x3
    expect(computeFans([2, 3, 3, 4, 8])).toEqual({ fanIn: 72, fanOut: 144 }); // Conv3D
    expect(computeFans([1, 1, 6, 2])).toEqual({ fanIn: 6, fanOut: 2 }); // 1x1 conv == dense
  });

  it('1-D shapes use the length for both fans, scalars use 1 (Keras; PyTorch refuses < 2 dims)', () => {
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
    expect(computeFans([0, 4])).toEqual({ fanIn: 0, fanOut: 4 });
  });

  it.each(fixture.fans)(
    'matches torch.nn.init._calculate_fan_in_and_fan_out for torch shape $torchShape',
    (f) => {
      // Same layer in the two layouts: torch [out, in, ...receptive], Keras [...receptive, in, out].
      expect(computeFans(f.kerasShape)).toEqual({ fanIn: f.fanIn, fanOut: f.fanOut });
    },
  );

  it('rejects a bad shape naming what was expected', () => {
    for (const bad of [[-1, 3], [2.5, 3], 'abc', null, [Number.NaN]]) {
      let caught: unknown;
      try {
        computeFans(bad as never);
      } catch (e) {
        caught = e;
      }
      expect(isSteadygradError(caught, 'INVALID_ARGUMENT')).toBe(true);
      expect((caught as Error).message).toMatch(
        /computeFans: shape must be an array of non-negative integers/,
      );
    }
  });
});
