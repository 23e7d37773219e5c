// Times one batch-normalization forward + backward (gradients w.r.t. x, γ, β) for the seed cell 5 shapes,
// host kernels vs the tfjs-op composition vs the autodiff reference, on the cpu and wasm backends. Run after `pnpm --filter
// @steadygrad/normalization build`:  node packages/normalization/bench/bn-step.mjs [reps]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const coreRequire = createRequire(fileURLToPath(new URL('../../core/package.json', import.meta.url)));
const { tf, registerGradients } = await import('@steadygrad/core');
await import(coreRequire.resolve('@tensorflow/tfjs-backend-cpu'));
await import(coreRequire.resolve('@tensorflow/tfjs-backend-wasm'));
const { batchNormTraining, batchNormTrainingOps, batchNormTrainingReference } = await import(
  '../dist/index.js'
);

registerGradients();
const reps = Number(process.argv[2] ?? 200);
const shapes = [
  [32, 784],
  [32, 300],
  [32, 100],
  [256, 784],
];

for (const backend of ['cpu', 'wasm']) {
  await tf.setBackend(backend);
  await tf.ready();
  for (const shape of shapes) {
    const c = shape[1];
    const x = tf.randomNormal(shape, 0.5, 2, 'float32', 1);
    const dy = tf.randomNormal(shape, 0, 1, 'float32', 2);
    const gamma = tf.ones([c]);
    const beta = tf.zeros([c]);
    const mean = tf.variable(tf.zeros([c]), false);
    const variance = tf.variable(tf.ones([c]), false);
    const row = [backend, `[${shape}]`];
    const impls = [
      ['fused (host kernels)', batchNormTraining],
      ['ops', batchNormTrainingOps],
      ['reference', batchNormTrainingReference],
    ];
    const step = (impl) =>
      tf.tidy(() => {
        const g = tf.grads((xx, gg, bb) =>
          tf.sum(
            tf.mul(
              impl(xx, {
                axis: 1,
                epsilon: 1e-3,
                gamma: gg,
                beta: bb,
                moving: { mean, variance, momentum: 0.99 },
              }),
              dy,
            ),
          ),
        )([x, gamma, beta]);
        tf.dispose([g[1], g[2]]);
        return g[0];
      });
    const best = impls.map(() => Number.POSITIVE_INFINITY);
    for (const [, impl] of impls) for (let i = 0; i < 20; i++) step(impl).dispose();
    const before = tf.memory().numTensors;
    // Alternate the implementations, 5 rounds; report the best round (the machine is shared and noisy).
    for (let round = 0; round < 5; round++) {
      impls.forEach(([, impl], k) => {
        const t0 = performance.now();
        for (let i = 0; i < reps; i++) {
          const r = step(impl);
          if (i === reps - 1) r.dataSync();
          r.dispose();
        }
        best[k] = Math.min(best[k], (performance.now() - t0) / reps);
      });
    }
    if (tf.memory().numTensors !== before) throw new Error(`leak: ${tf.memory().numTensors - before}`);
    for (const [k, [name, impl]] of impls.entries()) {
      const prof = await tf.profile(() => step(impl).dispose());
      row.push(`${name} ${best[k].toFixed(3)} ms (${prof.kernels.length} kernels)`);
    }
    console.log(row.join(' | '));
    tf.dispose([x, dy, gamma, beta, mean, variance]);
  }
}
