import { isSteadygradError, registerGradients, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { EarlyStopping } from './early-stopping.js';
import { findLearningRate } from './find-learning-rate.js';
import { gradientMonitor } from './gradient-monitor.js';
import { probeLayers } from './layer-probe.js';
import { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from './losses.js';
import { binaryAccuracy, sparseCategoricalAccuracy } from './metrics.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { TerminateOnNaN } from './terminate-on-nan.js';
import { blobs } from './test-utils/blobs.js';
import { compile } from './trainer.js';

beforeAll(() => registerGradients());

async function rejection(f: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await f();
  } catch (e) {
    if (isSteadygradError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a rejection');
}

function model(): Sequential {
  return new Sequential([new Dense({ units: 3, activation: 'softmax', inputShape: [2] })], { seed: 1 });
}

const data = blobs(48, 3, 7);

describe('unknown options of train', () => {
  it('fit({ epoch: 3 }), fit({ batch_size }), fit({ validation_split }) and fit({ checkpoint: { dirs } }) change nothing', async () => {
    const m = model();
    const trainer = compile(m, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
    });
    m.build();
    const snapshot = () => {
      const ws = m.getWeights();
      const values = ws.map((w) => Array.from(w.dataSync()));
      tf.dispose(ws);
      return values;
    };
    const weights = snapshot();
    const before = tf.memory().numTensors;
    for (const [options, message] of [
      [{ epoch: 3 }, "fit: unknown option 'epoch'. Did you mean 'epochs'?"],
      [{ batch_size: 8 }, "fit: unknown option 'batch_size'. Did you mean 'batchSize'?"],
      [{ validation_split: 0.2 }, "fit: unknown option 'validation_split'. Did you mean 'validationSplit'?"],
      [{ callback: [] }, "fit: unknown option 'callback'. Did you mean 'callbacks'?"],
      [{ checkpoint: { dirs: '/tmp/x' } }, "fit.checkpoint: unknown option 'dirs'. Did you mean 'dir'?"],
    ] as const) {
      const e = await rejection(() => trainer.fit(data.x, data.y, options as object));
      expect(e).toEqual({ code: 'UNKNOWN_OPTION', message });
    }
    expect(snapshot()).toEqual(weights);
    expect(tf.memory().numTensors).toBe(before);
    expect(
      (await rejection(() => trainer.evaluate(data.x, data.y, { batch_size: 8 } as object))).message,
    ).toBe("evaluate: unknown option 'batch_size'. Did you mean 'batchSize'?");
    expect((await rejection(() => trainer.predict(data.x, { batchsize: 8 } as object))).message).toBe(
      "predict: unknown option 'batchsize'. Did you mean 'batchSize'?",
    );
    expect((await rejection(() => trainer.trainOnBatch(data.x, data.y, { seed: 1 } as object))).message).toBe(
      "trainOnBatch: unknown option 'seed'. Known options: rng, checkTargets.",
    );
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    m.dispose();
  });

  it('compile, the callbacks, losses, metrics, findLearningRate and the gradient monitor', async () => {
    const m = model();
    const cases: [() => unknown, string][] = [
      [
        () => compile(m, { loss: 'mse', optimizer: sgd(), metric: ['mae'] } as never),
        "compile: unknown option 'metric'. Did you mean 'metrics'?",
      ],
      [
        () => new EarlyStopping({ restore_best_weights: true } as object),
        "Did you mean 'restoreBestWeights'?",
      ],
      [() => new ReduceLROnPlateau({ min_lr: 1e-5 } as object), "Did you mean 'minLr'?"],
      [() => new TerminateOnNaN({ throw: true } as object), 'Known options: log, throwError.'],
      [() => sparseCategoricalCrossentropy({ from_logits: true } as object), "Did you mean 'fromLogits'?"],
      [() => categoricalCrossentropy({ label_smoothing: 0.1 } as object), "Did you mean 'labelSmoothing'?"],
      [() => binaryCrossentropy({ fromlogits: true } as object), "Did you mean 'fromLogits'?"],
      [() => sparseCategoricalAccuracy({ names: 'a' } as object), "Did you mean 'name'?"],
      [() => binaryAccuracy({ treshold: 0 } as object), "Did you mean 'threshold'?"],
      [() => findLearningRate(m, data.x, data.y, { min_lr: 1e-5 } as object), "Did you mean 'minLr'?"],
      [
        () => findLearningRate(m, data.x, data.y, { start_lr: 1e-5 } as object),
        'Known options: minLr, maxLr,',
      ],
      [
        () => gradientMonitor({ x: data.x, y: data.y, loss: 'mse', evry: 5 } as object as never),
        "Did you mean 'every'?",
      ],
      [
        () => probeLayers(m.layers, data.x, data.y, { loss: 'mse', trainng: true } as object as never),
        "Did you mean 'training'?",
      ],
    ];
    for (const [call, hint] of cases) {
      const e = await rejection(call);
      expect(e.code).toBe('UNKNOWN_OPTION');
      expect(e.message).toContain(hint);
    }
    m.dispose();
  });
});
