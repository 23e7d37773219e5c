// The bad-input catalogue's shared fixture: the model and scratch folder every case runs against, and the
// snapshot that proves a rejected call changed nothing.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerGradients, tf } from '@steadygrad/core';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';

/** One catalogue case: the call, the typed error it must raise and what its message must name. */
export interface Case {
  readonly name: string;
  readonly code: string;
  /** Every pattern must appear in the message: what was wrong and what was expected. */
  readonly message: readonly RegExp[];
  readonly run: () => unknown;
  /** The item of issue 20 (data lost or state changed under a mistake) the case pins, when it pins one. */
  readonly issue20?: number;
}

/** The catalogue's model; set by {@link setUpCatalogue}, a live binding for the case modules. */
export let model: Sequential;
/** The catalogue's scratch folder (holds `keep.txt`, which no case may touch). */
export let dir: string;

function smallModel(): Sequential {
  return new Sequential(
    [
      new Flatten({ inputShape: [2, 2] }),
      new Dense({ units: 3, activation: 'relu', name: 'hidden' }),
      new Dense({ units: 2, activation: 'softmax', name: 'out' }),
    ],
    { seed: 3 },
  );
}

/** Every value the model and the files on disk hold, to prove a failed call changed nothing. */
export function snapshot(): string {
  const weights = model.parameters.map((p) => Array.from(p.variable.dataSync()).join(','));
  const files = readdirSync(dir)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => `${f}:${readFileSync(join(dir, f)).toString('base64')}`);
  return JSON.stringify({ weights, files });
}

export const x4 = () =>
  tf.tensor3d([
    [
      [0.1, 0.2],
      [0.3, 0.4],
    ],
    [
      [0.5, 0.6],
      [0.7, 0.8],
    ],
  ]);
export const trainer = () =>
  compile(model, {
    loss: 'sparse_categorical_crossentropy',
    optimizer: sgd({ learningRate: 0.1 }),
    metrics: ['accuracy'],
  });

/** `fit` through a named helper (biome's focused-test rule mistakes `trainer().fit(` for jasmine's `fit`). */
export function fitWith(
  t: ReturnType<typeof trainer>,
  ...args: Parameters<ReturnType<typeof trainer>['fit']>
) {
  return t.fit(...args);
}

/** Creates the model and the scratch folder (with `keep.txt`) before the cases run. */
export function setUpCatalogue(): void {
  registerGradients();
  model = smallModel();
  dir = mkdtempSync(join(tmpdir(), 'steadygrad-catalogue-'));
  writeFileSync(join(dir, 'keep.txt'), 'untouched');
}

/** Disposes the model and removes the scratch folder. */
export function tearDownCatalogue(): void {
  model.dispose();
  rmSync(dir, { recursive: true, force: true });
}
