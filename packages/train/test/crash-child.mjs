// Child process for crash-resume.test.ts: trains a small model with the BUILT package and checkpoints every
// few steps. Environment: BACKEND (cpu | wasm), MODE (full | run | resume), DIR (checkpoint directory),
// STEP_DELAY_MS (sleep after each step, so a kill lands near a chosen step), COMMIT_DELAY_MS (sleep inside a
// checkpoint write, after the temporary files are complete and before the rename).
// Prints `STEP <global step>` after every step, `WRITING <n>` when a checkpoint write reaches the commit
// point, and finally `WEIGHTS <json>`.
import { RandomStream, tf, useBackend } from '@steadygrad/core';
import { Dense, Layer, Sequential } from '@steadygrad/nn';
import { adam } from '@steadygrad/optim';
import { compile, hasCheckpoint } from '@steadygrad/train';

const { BACKEND = 'cpu', MODE = 'full', DIR = '', STEP_DELAY_MS = '0', COMMIT_DELAY_MS = '0' } = process.env;
await useBackend(BACKEND);

/** Multiplicative noise from the fit's layer stream (exercises the random-stream restore). */
class Noise extends Layer {
  className = 'Noise';
  call(x, ctx) {
    if (!ctx.training) return tf.clone(x);
    const n = ctx.rng.fillNormal(x.size, 1, 0.1);
    return tf.tidy(() => tf.mul(x, tf.tensor(n, x.shape)));
  }
}

const rng = new RandomStream(123);
const n = 150;
const xs = new Float32Array(rng.fillNormal(n * 4, 0, 1));
const ys = new Int32Array(n).map(
  (_, i) => (xs[4 * i] + xs[4 * i + 1] > 0 ? 1 : 0) + (xs[4 * i + 2] > 0.5 ? 1 : 0),
);
const x = tf.tensor2d(xs, [n, 4]);
const y = tf.tensor1d(ys, 'int32');
const model = new Sequential(
  [
    new Dense({ units: 16, activation: 'relu', inputShape: [4] }),
    new Noise({}),
    new Dense({ units: 3, activation: 'softmax' }),
  ],
  { seed: 7 },
);
const trainer = compile(model, {
  loss: 'sparse_categorical_crossentropy',
  optimizer: adam({ learningRate: 0.01 }),
});
const steps = Math.ceil(n / 10);
let epoch = 0;
let writes = 0;
const stepDelay = Number(STEP_DELAY_MS);
const commitDelay = Number(COMMIT_DELAY_MS);
const marker = {
  onEpochBegin(e) {
    epoch = e;
  },
  onBatchEnd(b) {
    process.stdout.write(`STEP ${epoch * steps + b}\n`);
    if (stepDelay > 0) return new Promise((r) => setTimeout(r, stepDelay));
  },
};
const options = { epochs: 4, batchSize: 10, seed: 3, verbose: 0, callbacks: [marker] };
if (MODE !== 'full') {
  options.checkpoint = {
    dir: DIR,
    every: 4,
    beforeCommit: async () => {
      process.stdout.write(`WRITING ${++writes}\n`);
      if (commitDelay > 0) await new Promise((r) => setTimeout(r, commitDelay));
    },
  };
}
if (MODE === 'resume' && (await hasCheckpoint(DIR))) options.resumeFrom = DIR;
await trainer.fit(x, y, options);
const weights = model.parameters.map((p) => Array.from(p.variable.dataSync()));
process.stdout.write(`WEIGHTS ${JSON.stringify(weights)}\n`);
