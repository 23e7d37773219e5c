// The browser consumer app: what a stranger writes after `npm install @steadygrad/train …` in a Vite project.
// No alias, no shim: the packages' `exports`/`imports` conditions give the bundle their browser entries.
// Its checks land in `window.__consumer` ({ done, checks: [{ name, ok, detail }] }) for the runner to read.
import '@tensorflow/tfjs-backend-webgl'; // a bundled app imports its backend statically
import { currentBackend, tf, useBackend } from '@steadygrad/core';
import { encodeIdx, fashionMnistFromIdx, parseIdx, validationSplit } from '@steadygrad/datasets';
import { loadLayersModel, saveLayersModel } from '@steadygrad/interop';
import { Dense, Sequential } from '@steadygrad/nn';
import { adam } from '@steadygrad/optim';
import { compile, hasCheckpoint, readCheckpoint } from '@steadygrad/train';

const checks = [];
window.__consumer = { done: false, checks };
const check = (name, ok, detail) => {
  checks.push({
    name,
    ok: Boolean(ok),
    detail: typeof detail === 'string' ? detail : JSON.stringify(detail),
  });
  document.getElementById('out').textContent = checks
    .map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`)
    .join('\n');
};

async function main() {
  // 1. A backend that is installed nowhere and not imported: the error says how to import one statically.
  const wasm = await useBackend('wasm').catch((e) => e);
  check(
    'useBackend names the static import in a browser bundle',
    wasm?.code === 'BACKEND_UNAVAILABLE' &&
      wasm.message.includes("add `import '@tensorflow/tfjs-backend-wasm';`"),
    wasm?.message ?? 'no error',
  );

  const info = await useBackend('webgl');
  check('useBackend selects webgl', info.name === 'webgl' && currentBackend() === 'webgl', info);

  // 2. A two-class toy problem with a learnable rule, through the datasets package's browser entry: 8×8 "images"
  //    whose label is whether the left half is brighter than the right half.
  const n = 512;
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pixels = new Uint8Array(n * 64);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = rand() < 0.5 ? 0 : 1;
    labels[i] = label;
    for (let p = 0; p < 64; p++) {
      const left = p % 8 < 4;
      const bright = (left ? label === 1 : label === 0) ? 120 : 0;
      pixels[i * 64 + p] = Math.min(255, Math.floor(rand() * 136) + bright);
    }
  }
  const file = (dims, data, name) => parseIdx(encodeIdx(dims, data), { name });
  const fm = fashionMnistFromIdx(
    {
      trainImages: file([n, 8, 8], pixels, 'train-images'),
      trainLabels: file([n], labels, 'train-labels'),
      testImages: file([64, 8, 8], pixels.slice(0, 64 * 64), 'test-images'),
      testLabels: file([64], labels.slice(0, 64), 'test-labels'),
    },
    { imageShape: [8, 8] },
  );
  const { train, valid } = validationSplit(fm.train, { validationSize: 64 });
  const toTensors = (split) =>
    tf.tidy(() => [
      tf.div(tf.tensor(split.images, [split.count, 64], 'float32'), 255),
      tf.tensor1d(Array.from(split.labels), 'int32'),
    ]);
  const [xTrain, yTrain] = toTensors(train);
  const [xValid, yValid] = toTensors(valid);
  check('datasets parses IDX bytes in the browser', train.count === n - 64 && valid.count === 64, {
    train: train.count,
    valid: valid.count,
  });

  // 3. Train on WebGL with checkpoints (IndexedDB in a browser) and the console progress display.
  const before = tf.memory().numTensors;
  const model = new Sequential(
    [new Dense({ units: 16, activation: 'relu' }), new Dense({ units: 2, activation: 'softmax' })],
    { seed: 1 },
  );
  model.build([null, 64]);
  const logged = [];
  const log = console.log;
  console.log = (...args) => {
    logged.push(args.join(' '));
    log(...args);
  };
  let history;
  let trainer;
  try {
    trainer = compile(model, {
      optimizer: adam({ learningRate: 0.01 }),
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
    });
    history = await trainer.fit(xTrain, yTrain, {
      epochs: 6,
      batchSize: 32,
      seed: 3,
      verbose: 2,
      validationData: [xValid, yValid],
      checkpoint: { dir: 'consumer-run' },
    });
  } finally {
    console.log = log;
  }
  const loss = history.history.loss;
  const acc = history.history.val_accuracy;
  check(
    'fit trains on webgl: loss falls, validation accuracy > 0.9',
    loss.at(-1) < loss[0] && acc.at(-1) > 0.9,
    {
      loss: [loss[0], loss.at(-1)],
      valAccuracy: acc.at(-1),
    },
  );
  check(
    'verbose prints one console line per epoch',
    logged.length === 6 &&
      /^Epoch 6\/6 - 14\/14 - \S+ \S+\/step - loss: \S+ - accuracy: \S+ - val_loss: /.test(logged[5]),
    logged,
  );
  const ckpt = (await hasCheckpoint('consumer-run')) ? await readCheckpoint('consumer-run') : undefined;
  check(
    'fit wrote its checkpoint to IndexedDB',
    ckpt !== undefined && ckpt.generation === 6 && ckpt.tensors.size > 0,
    {
      generation: ckpt?.generation,
      tensors: ckpt?.tensors.size,
    },
  );

  // 4. Save the model to IndexedDB (tf.io URL), load it back, and compare predictions.
  const x = xValid;
  const saved = await saveLayersModel(model, 'indexeddb://steadygrad-consumer');
  const loaded = await loadLayersModel('indexeddb://steadygrad-consumer');
  const [p1, p2] = [model.apply(x), loaded.apply(x)];
  const [a, b] = [await p1.data(), await p2.data()];
  const equal = a.length === b.length && a.every((v, i) => v === b[i]);
  check(
    'the model saved to and loaded from IndexedDB predicts the same',
    equal && saved.weightBytes === 4 * (64 * 16 + 16 + 16 * 2 + 2),
    {
      saved,
      first: [a[0], b[0]],
    },
  );
  const models = await tf.io.listModels();
  check('tf.io lists the saved model', 'indexeddb://steadygrad-consumer' in models, Object.keys(models));
  tf.dispose([p1, p2, xTrain, yTrain, xValid, yValid]);
  trainer.dispose();
  loaded.dispose();
  model.dispose();
  check('no tensor leaks', tf.memory().numTensors === before - 4, { before, after: tf.memory().numTensors });
}

main()
  .catch((e) => check('the app ran to the end', false, `${e?.name}: ${e?.message}\n${e?.stack ?? ''}`))
  .finally(() => {
    window.__consumer.done = true;
  });
