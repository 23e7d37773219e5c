#!/usr/bin/env node
// `pnpm soak [--epochs N] [--backend auto|cpu|wasm|webgl|tensorflow] [--limit N] [--batch-size N] [--json]`:
// trains the seed cell 5 BN-MLP for N epochs (default 20) and samples, after every epoch, the tensors alive,
// the bytes the backend holds and the process RSS. Growth after the first epoch must be zero tensors and
// zero backend bytes. With --json the last line is `{ epochs, tensorsGrowth, bytesGrowth, rssGrowthMb,
// backend, samples }`.
import { parseArgs } from 'node:util';
import { BACKEND_CHOICES, type BackendChoice, tf, useBackend } from '@steadygrad/core';
import { imageSource, labelSource, loadFashionMnist, sliceSplit } from '@steadygrad/datasets';
import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';
import { integerFlag, parseCommandLine, runCommand, UsageError } from './cli-args.js';
import { seedCell5Model } from './models.js';

const USAGE = `usage: pnpm soak [--epochs N (>= 2, default 20)] [--backend ${BACKEND_CHOICES.join('|')}] [--limit N] [--batch-size N] [--json]`;

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
  const { values } = parseCommandLine(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      options: {
        epochs: { type: 'string', default: '20' },
        backend: { type: 'string', default: 'auto' },
        limit: { type: 'string' },
        'batch-size': { type: 'string', default: '32' },
        json: { type: 'boolean', default: false },
      },
    }),
  );
  const epochs = integerFlag('--epochs', values.epochs, { min: 2 }) as number;
  const batchSize = integerFlag('--batch-size', values['batch-size'], { min: 1 }) as number;
  const limitFlag = integerFlag('--limit', values.limit, { min: 1 });
  if (!(BACKEND_CHOICES as readonly string[]).includes(values.backend)) {
    throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}, got '${values.backend}'`);
  }
  const log = values.json ? (s: string) => console.error(s) : (s: string) => console.log(s);
  const info = await useBackend(values.backend as BackendChoice, { load: (name) => import(name) });
  const data = await loadFashionMnist();
  const limit = Math.min(limitFlag ?? data.train.count, data.train.count);
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

runCommand(() => main(process.argv.slice(2)), USAGE);
