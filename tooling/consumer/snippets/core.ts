// @steadygrad/core from its tarball: backend selection, seeded randomness, parameters, typed errors.
import {
  isSteadygradError,
  Parameter,
  RandomStream,
  SteadygradError,
  tf,
  useBackend,
} from '@steadygrad/core';

const info = await useBackend('wasm');
if (info.name !== 'wasm' || tf.getBackend() !== 'wasm')
  throw new Error(`expected the wasm backend, got ${info.name}`);

const a = new RandomStream(42).fillUniform(4, 0, 1);
const b = new RandomStream(42).fillUniform(4, 0, 1);
if (a.length !== 4 || a.some((v, i) => v !== b[i] || v < 0 || v >= 1))
  throw new Error('RandomStream is not reproducible');

const p = new Parameter('dense/kernel', tf.ones([2, 2]));
p.assign(tf.fill([2, 2], 3));
const sum = tf.sum(p.variable).dataSync()[0];
if (sum !== 12) throw new Error(`Parameter.assign: expected sum 12, got ${sum}`);
try {
  p.assign(tf.ones([3]));
  throw new Error('assigning a wrong shape did not throw');
} catch (e) {
  if (!isSteadygradError(e, 'SHAPE_MISMATCH')) throw e;
}
if (!(new SteadygradError('INVALID_ARGUMENT', 'x') instanceof Error))
  throw new Error('SteadygradError is not an Error');
p.dispose();
console.log('core: ok');
