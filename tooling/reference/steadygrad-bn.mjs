#!/usr/bin/env node
// steadygrad's side of the cell 5 comparison (docs/keras-parity.md): one `bn` variant over many seeds, the way
// `pnpm demo bn` trains it (same model builders, split, optimizer, fit and evaluate), without the other
// variants and the gradient-norm probe, one JSON line per seed on stdout.
//
//   pnpm --filter "@steadygrad/demo..." build   (once; the demo's dist and its packages')
//   nice -n 5 node tooling/reference/steadygrad-bn.mjs --seeds 42-51 [--variant bn-after-activation]
//       [--epochs 5] [--backend auto] [--out file.jsonl] [--limit N]
//       [--dump-init DIR] (write each seed's initial weights: DIR/<seed>/<i>.f32 + shapes.json)
//       [--init-from DIR] (start from weights in that layout, e.g. Keras's from cell5-swap.py --dump-init)
//       [--order each-epoch|repeated] (repeated: one seeded permutation visited every epoch, as Keras 3's seeded
//       fit(shuffle=True) does; docs/keras-parity.md)
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const pkg = (name) =>
  new URL(`../../apps/demo/node_modules/@steadygrad/${name}/dist/index.js`, import.meta.url);
const { RandomStream, tf, useBackend } = await import(pkg('core'));
const { imageSource, labelSource, loadFashionMnist, sliceSplit, validationSplit } = await import(
  pkg('datasets')
);
const { sgd } = await import(pkg('optim'));
const { compile } = await import(pkg('train'));
const models = await import(new URL('../../apps/demo/dist/models.js', import.meta.url));

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '42-51' },
    variant: { type: 'string', default: 'bn-after-activation' },
    epochs: { type: 'string', default: '5' },
    backend: { type: 'string', default: 'auto' },
    out: { type: 'string' },
    limit: { type: 'string' },
    'dump-init': { type: 'string' },
    'init-from': { type: 'string' },
    order: { type: 'string', default: 'each-epoch' },
  },
});
const seeds = values.seeds.split(',').flatMap((part) => {
  const [a, b = a] = part.split('-').map(Number);
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
});
const build = {
  plain: models.seedCell11Model,
  'bn-after-activation': models.seedCell5Model,
  'bn-before-activation': (seed) => models.seedCell8Model(seed),
}[values.variant];
if (!build) throw new Error(`unknown --variant ${values.variant}`);
const epochs = Number(values.epochs);

// Backends resolve from the demo app, which depends on them (as its CLI does).
const demoRequire = createRequire(new URL('../../apps/demo/package.json', import.meta.url));
const load = (name) => import(pathToFileURL(demoRequire.resolve(name)).href);
const info = await useBackend(values.backend, { load });
const data = await loadFashionMnist();
const split = validationSplit(data.train, { validationSize: 5000, position: 'first' });
const valid = split.valid;
// --limit N (smoke tests only): the first N training images.
const train = values.limit ? sliceSplit(split.train, 0, Number(values.limit)) : split.train;
console.error(`${values.variant} on ${info.name}: ${train.count} training, ${valid.count} validation images`);
/** `source` visited in one seeded permutation (fit with shuffle false then repeats it every epoch). */
function permuted(source, seed) {
  const perm = new RandomStream(seed).permutation(source.size);
  return { ...source, batch: (idx) => source.batch(Array.from(idx, (i) => perm[i])) };
}

for (const seed of seeds) {
  const model = build(seed);
  if (values['dump-init'] || values['init-from']) model.build([null, 28, 28]);
  if (values['dump-init']) {
    const dir = `${values['dump-init']}/${seed}`;
    mkdirSync(dir, { recursive: true });
    const weights = model.getWeights();
    for (const [i, w] of weights.entries())
      writeFileSync(`${dir}/${i}.f32`, Buffer.from(w.dataSync().buffer));
    writeFileSync(`${dir}/shapes.json`, JSON.stringify(weights.map((w) => w.shape)));
    tf.dispose(weights);
  }
  if (values['init-from']) {
    const dir = `${values['init-from']}/${seed}`;
    const shapes = JSON.parse(readFileSync(`${dir}/shapes.json`, 'utf8'));
    const weights = shapes.map((shape, i) => {
      const b = readFileSync(`${dir}/${i}.f32`);
      return tf.tensor(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4), shape);
    });
    model.setWeights(weights);
    tf.dispose(weights);
  }
  const trainer = compile(model, {
    loss: 'sparse_categorical_crossentropy',
    optimizer: sgd({ learningRate: 0.01, momentum: 0.9 }),
    metrics: ['accuracy'],
  });
  try {
    const started = performance.now();
    let [xs, ys] = [imageSource(train), labelSource(train)];
    if (values.order === 'repeated') [xs, ys] = [permuted(xs, seed), permuted(ys, seed)];
    const history = await trainer.fit(xs, ys, {
      epochs,
      batchSize: 32,
      seed,
      shuffle: values.order !== 'repeated',
      validationData: [imageSource(valid), labelSource(valid)],
      verbose: 0,
    });
    const secondsPerEpoch = (performance.now() - started) / 1000 / epochs;
    const test = await trainer.evaluate(imageSource(data.test), labelSource(data.test), { batchSize: 1000 });
    const line = JSON.stringify({
      variant: values.variant,
      init: values['init-from'] ? `from ${values['init-from']}` : 'own',
      order: values.order,
      backend: info.name,
      seed,
      epochs,
      testAccuracy: test.accuracy,
      testLoss: test.loss,
      finalTrainLoss: history.history.loss.at(-1),
      valAccuracy: history.history.val_accuracy,
      loss: history.history.loss,
      secondsPerEpoch,
    });
    console.log(line);
    if (values.out) appendFileSync(values.out, `${line}\n`);
  } finally {
    trainer.dispose();
    model.dispose();
  }
}
console.error(`tensors alive: ${tf.memory().numTensors}`);
