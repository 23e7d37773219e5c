#!/usr/bin/env node
// Checks a tfjs-node (or tfjs-node-gpu) install in a fresh process and prints one JSON line:
//   node tooling/scripts/tensorflow/verify.mjs --package @tensorflow/tfjs-node [--core]
// Without --core: `require`s the package from the repository root (CommonJS, as tfjs-node's own users do).
// With --core: `useBackend('tensorflow')` of the built @steadygrad/core (packages/core/dist), in ES module
// resolution from core's own folder: what the demo, the bench and the tests do (no NODE_PATH, no preload).
// Either way: the backend is `tensorflow`, the binding's TF_Version, a matrix product and a gradient
// (d/dx Σ x³ = 3x² at x = [1, 2, 3] → [3, 12, 27]) computed by TensorFlow and compared with exact values.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { package: { type: 'string', default: '@tensorflow/tfjs-node' }, core: { type: 'boolean' } },
});
const root = new URL('../../../', import.meta.url);
const result = { package: values.package, via: values.core ? '@steadygrad/core useBackend' : 'require' };
let tf;
if (values.core) {
  const core = await import(new URL('packages/core/dist/index.js', root).href);
  const info = await core.useBackend('tensorflow');
  result.packageName = info.packageName;
  tf = core.tf;
} else {
  tf = createRequire(new URL('package.json', root))(values.package);
}
const backend = tf.backend();
result.backend = tf.getBackend();
result.tfVersion = backend.binding?.TF_Version;
result.isGPUPackage = backend.isGPUPackage;
result.isUsingGpuDevice = backend.isUsingGpuDevice;
const before = tf.memory().numTensors;
const product = tf.tidy(() =>
  tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])),
);
result.matMul = Array.from(product.dataSync());
product.dispose();
const grad = tf.grad((x) => tf.sum(tf.pow(x, tf.scalar(3))));
const g = tf.tidy(() => grad(tf.tensor1d([1, 2, 3])));
result.gradient = Array.from(g.dataSync());
g.dispose();
result.leakedTensors = tf.memory().numTensors - before;
const same = (a, b) =>
  a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= 1e-5 * Math.abs(b[i]));
result.ok =
  result.backend === 'tensorflow' &&
  typeof result.tfVersion === 'string' &&
  same(result.matMul, [19, 22, 43, 50]) &&
  same(result.gradient, [3, 12, 27]) &&
  result.leakedTensors === 0 &&
  (!values.core || String(result.packageName).startsWith('@tensorflow/tfjs-node'));
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(result.ok ? 0 : 1);
