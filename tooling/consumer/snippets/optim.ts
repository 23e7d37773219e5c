// @steadygrad/optim from its tarball: one SGD step and one Adam step on a parameter.
import { Parameter, tf, useBackend } from '@steadygrad/core';
import { adam, Optimizer, sgd } from '@steadygrad/optim';

await useBackend('wasm');
const w = new Parameter('w', tf.tensor1d([1, 2]));
const opt = new Optimizer(sgd({ learningRate: 0.1 }));
opt.step([w], { w: tf.tensor1d([1, -1]) });
const after = Array.from(w.variable.dataSync());
if (Math.abs(after[0]! - 0.9) > 1e-6 || Math.abs(after[1]! - 2.1) > 1e-6)
  throw new Error(`sgd step: ${after}`);
if (opt.iterations !== 1 || opt.learningRate !== 0.1) throw new Error('iterations / learningRate');
const v = new Parameter('v', tf.tensor1d([0]));
const a = new Optimizer(adam({ learningRate: 0.001 }));
a.step([v], { v: tf.tensor1d([5]) });
// Adam's first step moves by lr · sign(g) (up to epsilon).
const moved = v.variable.dataSync()[0]!;
if (Math.abs(moved + 0.001) > 1e-6) throw new Error(`adam step: ${moved}`);
opt.dispose();
a.dispose();
console.log('optim: ok');
