import { registerGradients, type Tensor, type Tensor4D, tf } from '@steadygrad/core';
import { type Padding, samePadding } from './conv-utils.js';

/**
 * Differentiable NHWC convolution ops behind the convolution layers. They run on every backend that has
 * tfjs-core's forward kernels (`Conv2D`, `Reverse`, `Pad`, `Slice`, `Transpose`, `Reshape`,
 * `AddN`, `Mul`) — the wasm backend included, which has no `Conv2DBackpropFilter` and no depthwise backward
 * kernels — and support dilation in the gradients, which tfjs-core's own conv gradients refuse.
 */

/**
 * A kernel `[kh, kw, a, b]` with dilation `[dh, dw]` as the equivalent dense kernel
 * `[(kh − 1)·dh + 1, (kw − 1)·dw + 1, a, b]` (zeros between the taps), built from pads and reshapes so the
 * gradient flows back to the taps. A convolution with it at dilation 1 is the dilated convolution.
 */
export function dilateKernel(kernel: Tensor4D, dilation: readonly number[]): Tensor4D {
  const [dh = 1, dw = 1] = dilation;
  if (dh === 1 && dw === 1) return kernel;
  const [kh, kw, a, b] = kernel.shape;
  return tf.tidy((): Tensor4D => {
    const rows = tf.pad(tf.reshape(kernel, [kh, 1, kw * a * b]), [
      [0, 0],
      [0, dh - 1],
      [0, 0],
    ]);
    const cols = tf.pad(tf.reshape(rows, [kh * dh, kw, 1, a * b]), [
      [0, 0],
      [0, 0],
      [0, dw - 1],
      [0, 0],
    ]);
    const full = tf.reshape(cols, [kh * dh, kw * dw, a, b]);
    return tf.slice(full, [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, a, b]) as Tensor4D;
  });
}

/** Zero padding `[[top, bottom], [left, right]]` that a `'same'`/`'valid'` window of `kEff` with `strides` implies. */
export function windowPadding(
  inputHW: readonly number[],
  kEff: readonly number[],
  strides: readonly number[],
  padding: Padding,
): [[number, number], [number, number]] {
  if (padding === 'valid') {
    return [
      [0, 0],
      [0, 0],
    ];
  }
  return [
    samePadding(inputHW[0] as number, kEff[0] as number, strides[0] as number),
    samePadding(inputHW[1] as number, kEff[1] as number, strides[1] as number),
  ];
}

/**
 * `dy` `[B, oh, ow, C]` with `s − 1` zeros inserted between its rows and between its columns:
 * `[B, (oh − 1)·sh + 1, (ow − 1)·sw + 1, C]`. Unchanged for stride 1.
 */
function spreadByStride(dy: Tensor4D, strides: readonly number[]): Tensor4D {
  const [sh = 1, sw = 1] = strides;
  if (sh === 1 && sw === 1) return dy;
  const [batch, oh, ow, c] = dy.shape;
  const rows = tf.pad(tf.reshape(dy, [batch * oh, 1, ow * c]), [
    [0, 0],
    [0, sh - 1],
    [0, 0],
  ]);
  const lh = (oh - 1) * sh + 1;
  const tall = tf.slice(tf.reshape(rows, [batch, oh * sh, ow, c]), [0, 0, 0, 0], [batch, lh, ow, c]);
  const cols = tf.pad(tf.reshape(tall, [batch * lh, ow, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  const lw = (ow - 1) * sw + 1;
  return tf.slice(tf.reshape(cols, [batch, lh, ow * sw, c]), [0, 0, 0, 0], [batch, lh, lw, c]) as Tensor4D;
}

/**
 * `tf.conv2d(x, kernel, strides, padding)` (NHWC, kernel `[kh, kw, in, out]`, dilation 1 — dilate the kernel
 * with {@link dilateKernel} first) with a gradient that runs on every backend:
 * - `dx` = the 'valid' convolution of `dy` (stride-dilated: `s − 1` zeros between its rows and columns, then
 *   padded by `k − 1 − padBefore` before and what makes the output `H` after) with the kernel rotated by 180°
 *   and its channel axes swapped (`[kh, kw, out, in]`): the same numbers as tfjs's `conv2dTranspose`, ten
 *   times faster on wasm, whose `Conv2DBackpropInput` is a scalar loop where `Conv2D` is XNNPACK;
 * - `dkernel[i, j, c, o] = Σ_{b,y,x} xpad[b, i + s·y, j + s·x, c] · dy[b, y, x, o]`, computed as one
 *   convolution of the padded input with the batch as its channels (`[C, H, W, B]`) by `dy` as the filter
 *   (`[oh, ow, B, O]`) at dilation = the stride, then cut to `[kh, kw]`.
 */
export function conv2dOp(
  x: Tensor4D,
  kernel: Tensor4D,
  strides: readonly number[],
  padding: Padding,
): Tensor4D {
  registerGradients();
  const s: [number, number] = [strides[0] as number, strides[1] as number];
  const op = tf.customGrad((xIn, kIn, save) => {
    const xt = xIn as Tensor4D;
    const kt = kIn as Tensor4D;
    (save as (t: Tensor[]) => void)([xt, kt]);
    const value = tf.conv2d(xt, kt, s, padding);
    const gradFunc = (dy: Tensor4D, saved: Tensor[]): Tensor[] => {
      const [xs, ks] = saved as [Tensor4D, Tensor4D];
      const [kh, kw, cin, cout] = ks.shape;
      const [[t, b], [l, r]] = windowPadding([xs.shape[1], xs.shape[2]], [kh, kw], s, padding);
      const dx = tf.tidy(() => {
        const [, h, w] = xs.shape;
        const spread = spreadByStride(dy, s);
        const [, lh, lw] = spread.shape;
        const padded = tf.pad(spread, [
          [0, 0],
          [kh - 1 - t, h + t - lh],
          [kw - 1 - l, w + l - lw],
          [0, 0],
        ]);
        const flipped = tf.transpose(tf.reverse(ks, [0, 1]), [0, 1, 3, 2]) as Tensor4D;
        return tf.conv2d(padded, flipped, 1, 'valid');
      });
      const dk = tf.tidy(() => {
        const xp =
          t + b + l + r === 0
            ? xs
            : tf.pad(xs, [
                [0, 0],
                [t, b],
                [l, r],
                [0, 0],
              ]);
        const xT = tf.transpose(xp, [3, 1, 2, 0]);
        const dyT = tf.transpose(dy, [1, 2, 0, 3]);
        const full = tf.conv2d(xT as Tensor4D, dyT as Tensor4D, 1, 'valid', 'NHWC', s);
        const cut =
          full.shape[1] === kh && full.shape[2] === kw
            ? full
            : tf.slice(full, [0, 0, 0, 0], [cin, kh, kw, cout]);
        return tf.transpose(cut, [1, 2, 0, 3]);
      });
      return [dx, dk];
    };
    return { value, gradFunc };
  });
  return op(x, kernel) as Tensor4D;
}

/**
 * The window of the padded input that tap `(i, j)` of a kernel sees: `xp[b, i·dh + s·y, j·dw + s·x, c]` for
 * `y < oh`, `x < ow`, as `[B, oh, ow, C]`, from slices and reshapes only (tfjs-core has no gradient for strided
 * slices). `xp` must extend to `i·dh + s·oh` rows and `j·dw + s·ow` columns.
 */
function tap(xp: Tensor4D, h0: number, w0: number, s: readonly number[], oh: number, ow: number): Tensor4D {
  const [batch, , , c] = xp.shape;
  const [sh = 1, sw = 1] = s;
  if (sh === 1 && sw === 1) return tf.slice(xp, [0, h0, w0, 0], [batch, oh, ow, c]);
  const block = tf.slice(xp, [0, h0, w0, 0], [batch, sh * oh, sw * ow, c]);
  const rows = tf.reshape(block, [batch * oh, sh, ow, sw * c]);
  const picked = tf.slice(rows, [0, 0, 0, 0], [batch * oh, 1, ow, c]);
  return tf.reshape(picked, [batch, oh, ow, c]);
}

/**
 * Depthwise convolution (Keras `DepthwiseConv2D`, tfjs `depthwiseConv2d`): kernel `[kh, kw, C, M]`, output
 * channel `c·M + m` = `Σ_{i,j} xpad[b, i·dh + s·y, j·dw + s·x, c] · kernel[i, j, c, m]`. Written as a sum of
 * `kh·kw` shifted products so that autodiff gives every gradient on every backend (the wasm backend has
 * no depthwise backward kernels; tfjs refuses dilated depthwise gradients).
 */
export function depthwiseConv2dOp(
  x: Tensor4D,
  kernel: Tensor4D,
  strides: readonly number[],
  padding: Padding,
  dilation: readonly number[],
): Tensor4D {
  registerGradients();
  return tf.tidy(() => {
    const [batch, h, w, c] = x.shape;
    const [kh, kw, , m] = kernel.shape;
    const [sh = 1, sw = 1] = strides;
    const [dh = 1, dw = 1] = dilation;
    const kEff = [(kh - 1) * dh + 1, (kw - 1) * dw + 1];
    const [[t, b], [l, r]] = windowPadding([h, w], kEff, [sh, sw], padding);
    const oh = Math.floor((h + t + b - (kEff[0] as number)) / sh) + 1;
    const ow = Math.floor((w + l + r - (kEff[1] as number)) / sw) + 1;
    const extraH = Math.max(0, (kh - 1) * dh + sh * oh - (h + t + b));
    const extraW = Math.max(0, (kw - 1) * dw + sw * ow - (w + l + r));
    const xp =
      t + b + l + r + extraH + extraW === 0
        ? x
        : tf.pad(x, [
            [0, 0],
            [t, b + extraH],
            [l, r + extraW],
            [0, 0],
          ]);
    const terms: Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const patch = tap(xp as Tensor4D, i * dh, j * dw, [sh, sw], oh, ow);
        const weights = tf.reshape(tf.slice(kernel, [i, j, 0, 0], [1, 1, c, m]), [c, m]);
        terms.push(
          m === 1
            ? tf.mul(patch, tf.reshape(weights, [c]))
            : tf.reshape(tf.mul(tf.reshape(patch, [batch, oh, ow, c, 1]), weights), [batch, oh, ow, c * m]),
        );
      }
    }
    return (terms.length === 1 ? terms[0] : tf.addN(terms)) as Tensor4D;
  });
}
