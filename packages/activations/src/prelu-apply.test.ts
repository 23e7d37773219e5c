import { isSteadygradError, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { preluApply } from './prelu-apply.js';
import { expectClose, fixture } from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('preluApply', () => {
  it.each(fixture.prelu.map((c) => [c.shape, c.alphaShape, c] as const))(
    'matches PyTorch prelu on %j with alpha %j in value, dx and dalpha',
    (shape, alphaShape, c) => {
      const before = tf.memory().numTensors;
      const x = tf.tensor(c.x, shape);
      const alpha = tf.tensor(c.alpha, alphaShape);
      const w = tf.tensor(c.weights, shape);
      const out = tf.tidy(() => {
        const y = preluApply(x, alpha);
        const g = tf.grads((t: Tensor, a: Tensor) => tf.sum(tf.mul(w, preluApply(t, a))))([x, alpha]);
        return [y, g[0] as Tensor, g[1] as Tensor] as const;
      });
      const [y, gx, ga] = out;
      expectClose(y.dataSync(), c.value, 'prelu value');
      expectClose(gx.dataSync(), c.gradX, 'prelu dx');
      expect(ga.shape).toEqual(alphaShape);
      expectClose(ga.dataSync(), c.gradAlpha, 'prelu dalpha');
      tf.dispose([x, alpha, w, ...out]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );
  it('rejects an alpha that does not broadcast to the input', () => {
    const x = tf.zeros([4, 3]);
    const alpha = tf.zeros([4]);
    try {
      preluApply(x, alpha);
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'SHAPE_MISMATCH')).toBe(true);
      expect((e as Error).message).toMatch(/alpha of shape \[4\] must broadcast to the input shape \[4, 3\]/);
    }
    tf.dispose([x, alpha]);
  });
});
