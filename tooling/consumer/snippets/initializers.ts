// @steadygrad/initializers from its tarball: Keras names and variance scaling with a seed.
import { RandomStream, tf, useBackend } from '@steadygrad/core';
import { getInitializer, glorotUniform, INITIALIZER_NAMES } from '@steadygrad/initializers';

await useBackend('wasm');
const w = glorotUniform().init([300, 100], new RandomStream(1));
const limit = Math.sqrt(6 / 400);
const max = tf.max(tf.abs(w)).dataSync()[0]!;
if (w.shape.join('x') !== '300x100' || max > limit)
  throw new Error(`glorot_uniform: max |w| ${max} > ${limit}`);
const same = glorotUniform().init([300, 100], new RandomStream(1));
if (tf.max(tf.abs(tf.sub(w, same))).dataSync()[0] !== 0) throw new Error('same seed, different weights');
if (tf.sum(getInitializer('zeros').init([3], new RandomStream(0))).dataSync()[0] !== 0)
  throw new Error('zeros');
if (!INITIALIZER_NAMES.includes('he_normal')) throw new Error('INITIALIZER_NAMES lacks he_normal');
console.log('initializers: ok');
