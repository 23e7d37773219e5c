// @steadygrad/activations from its tarball: Keras names, values and a gradient.
import { getActivation, leakyRelu, selu } from '@steadygrad/activations';
import { tf, useBackend } from '@steadygrad/core';

await useBackend('wasm');
const x = tf.tensor1d([-2, 0, 3]);
const relu = Array.from(getActivation('relu').apply(x).dataSync());
if (relu.join(',') !== '0,0,3') throw new Error(`relu: got ${relu}`);
const leaky = Array.from(leakyRelu({ alpha: 0.2 }).apply(x).dataSync());
if (Math.abs(leaky[0]! + 0.4) > 1e-6 || leaky[2] !== 3) throw new Error(`leakyRelu: got ${leaky}`);
if (selu.pairsWith !== 'lecun') throw new Error(`selu pairs with ${selu.pairsWith}`);
const g = tf.grad((t: tf.Tensor) => tf.sum(getActivation('elu').apply(t)))(tf.tensor1d([-1, 1]));
const gv = g.dataSync();
if (Math.abs(gv[0]! - Math.exp(-1)) > 1e-6 || Math.abs(gv[1]! - 1) > 1e-6)
  throw new Error(`elu gradient: got ${gv}`);
console.log('activations: ok');
