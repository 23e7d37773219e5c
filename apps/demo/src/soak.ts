#!/usr/bin/env node
// `pnpm soak [--epochs N] [--backend auto|cpu|wasm|tensorflow] [--limit N] [--batch-size N] [--json]`:
// trains the seed cell 5 BN-MLP for N epochs (default 20) and samples, after every epoch, the tensors alive,
// the bytes the backend holds and the process RSS. Growth after the first epoch must be zero tensors and
// zero backend bytes. With --json the last line is `{ epochs, tensorsGrowth, bytesGrowth, rssGrowthMb,
// backend, samples }`.
import { parseArgs } from 'node:util';
import { type BackendChoice, SteadygradError, tf, useBackend } from '@steadygrad/core';
import { imageSource, labelSource, loadFashionMnist, sliceSplit } from '@steadygrad/datasets';
import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';
import { seedCell5Model } from './models.js';

export interface SoakSample {
  readonly epoch: number;
  readonly numTensors: number;
  readonly numBytes: number;
  readonly rssMb: number;
}

export interface SoakResult {
  readonly epochs: number;
  readonly backend: string;
  readonly tensorsGrowth: number;
  readonly bytesGrowth: number;
  readonly rssGrowthMb: number;
  readonly samples: readonly SoakSample[];
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      epochs: { type: 'string', default: '20' },
      backend: { type: 'string', default: 'auto' },
      limit: { type: 'string' },
      'batch-size': { type: 'string', default: '32' },
      json: { type: 'boolean', default: false },
    },
  });
  const epochs = Number(values.epochs);
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(epochs) || epochs < 2) {
    throw new SteadygradError('INVALID_ARGUMENT', `--epochs must be an integer >= 2, got '${values.epochs}'`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `--batch-size must be a positive integer, got '${values['batch-size']}'`,
    );
  }
  const log = values.json ? (s: string) => console.error(s) : (s: string) => console.log(s);
  const info = await useBackend(values.backend as BackendChoice, { load: (name) => import(name) });
  const data = await loadFashionMnist();
  const limit = values.limit === undefined ? data.train.count : Number(values.limit);
  const train = sliceSplit(data.train, 0, limit);
  const model = seedCell5Model(1);
  const trainer = compile(model, {
    loss: 'sparse_categorical_crossentropy',
    optimizer: sgd({ learningRate: 0.01, momentum: 0.9 }),
    metrics: ['accuracy'],
  });
  const samples: SoakSample[] = [];
  await trainer.fit(imageSource(train), labelSource(train), {
    epochs,
    batchSize,
    seed: 1,
    verbose: 0,
    callbacks: [
      {
        onEpochEnd: (epoch: number) => {
          const m = tf.memory();
          const sample = {
            epoch,
            numTensors: m.numTensors,
            numBytes: m.numBytes,
            rssMb: process.memoryUsage().rss / 2 ** 20,
          };
          samples.push(sample);
          log(
            `epoch ${epoch + 1}/${epochs}: ${sample.numTensors} tensors, ${sample.numBytes} bytes, RSS ${sample.rssMb.toFixed(0)} MB`,
          );
        },
      },
    ],
  });
  trainer.dispose();
  model.dispose();
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const result: SoakResult = {
    epochs,
    backend: info.name,
    tensorsGrowth: last.numTensors - first.numTensors,
    bytesGrowth: last.numBytes - first.numBytes,
    rssGrowthMb: last.rssMb - first.rssMb,
    samples,
  };
  if (values.json) console.log(JSON.stringify(result));
  else
    log(
      `growth after the first epoch: ${result.tensorsGrowth} tensors, ${result.bytesGrowth} bytes, ${result.rssGrowthMb.toFixed(1)} MB RSS`,
    );
  if (result.tensorsGrowth !== 0 || result.bytesGrowth !== 0) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof SteadygradError) console.error(`error [${e.code}]: ${e.message}`);
  else console.error(e);
  process.exitCode = 1;
});
