import { readFileSync } from 'node:fs';
import { registerGradients, type Tensor, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { alphaDropoutAffine } from './alpha-dropout.js';
import { maxNorm } from './constraints.js';
import { l1, l2 } from './penalties.js';

/** Written by tooling/fixtures/regularization-torch.py (PyTorch 1.13, float64). */
interface Fixture {
  penalties: { kind: 'l1' | 'l2'; factor: number; w: number[][]; value: number; grad: number[][] }[];
  weightDecay: { weightDecay: number; lr: number; w0: number[][]; lossGrad: number[][]; w1: number[][] }[];
  alphaDropout: { rate: number; a: number; b: number; droppedValue: number }[];
  renorm: { maxNorm: number; w: number[][]; out: number[][] }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/torch.json', import.meta.url), 'utf8'),
) as Fixture;

beforeAll(() => registerGradients());

function closeTo(got: number[], want: number[], digits: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(g).toBeCloseTo(want[i] as number, digits);
  });
}

describe('against PyTorch', () => {
  it('penalty values and autograd gradients (abs gradient 0 at 0, as torch)', () => {
    for (const c of fixture.penalties) {
      const reg = c.kind === 'l1' ? l1(c.factor) : l2(c.factor);
      tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad((x: Tensor) => reg.penalty(x))(tf.tensor2d(c.w));
        expect(value.dataSync()[0]).toBeCloseTo(c.value, 5);
        closeTo(Array.from(grad.dataSync()), c.grad.flat(), 6);
      });
    }
  });

  it('Keras l2(f) gives the same SGD step as torch weight_decay = 2f', () => {
    for (const c of fixture.weightDecay) {
      const reg = l2(c.weightDecay / 2);
      const w1 = tf.tidy(() => {
        const w0 = tf.tensor2d(c.w0);
        const g = tf.grad((x: Tensor) => tf.add(tf.sum(tf.mul(x, tf.tensor2d(c.lossGrad))), reg.penalty(x)))(
          w0,
        );
        return Array.from(tf.sub(w0, tf.mul(g, c.lr)).dataSync());
      });
      closeTo(w1, c.w1.flat(), 6);
    }
  });

  it('alpha dropout affine constants equal nn.AlphaDropout', () => {
    for (const c of fixture.alphaDropout) {
      const { a, b } = alphaDropoutAffine(c.rate);
      expect(a).toBeCloseTo(c.a, 10);
      expect(b).toBeCloseTo(c.b, 10);
    }
  });

  it('maxNorm agrees with torch.renorm on columns longer than c and keeps shorter ones', () => {
    for (const c of fixture.renorm) {
      const out = tf.tidy(() => Array.from(maxNorm(c.maxNorm).apply(tf.tensor2d(c.w)).dataSync()));
      closeTo(out, c.out.flat(), 6);
    }
  });
});
