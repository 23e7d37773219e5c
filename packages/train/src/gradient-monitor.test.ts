import { isSteadygradError, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { Dense, type FusionRule, Layer, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gradientMonitor } from './gradient-monitor.js';
import { probeLayers } from './layer-probe.js';
import { blobs } from './test-utils/blobs.js';
import { compile } from './trainer.js';

const data = blobs(96, 3, 7);
const probe = blobs(40, 3, 8);

beforeAll(() => {
  registerGradients();
});

afterAll(() => {
  tf.dispose([data.x, data.y, probe.x, probe.y]);
});

function mlp(seed = 3): Sequential {
  return new Sequential(
    [
      new Dense({ units: 8, activation: 'relu', inputShape: [2] }),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
    { seed },
  );
}

/**
 * Independent reference: the same network written with plain tf ops, differentiated with `tf.grads`,
 * statistics computed on the host.
 */
function reference(model: Sequential, x: Tensor, y: Tensor) {
  const [k1, b1, k2, b2] = model.getWeights() as [Tensor, Tensor, Tensor, Tensor];
  const n = x.shape[0]!;
  const loss = (a: Tensor, b: Tensor, c: Tensor, d: Tensor) => {
    const h = tf.relu(tf.add(tf.matMul(x, a), b));
    const p = tf.softmax(tf.add(tf.matMul(h, c), d));
    const picked = tf.sum(tf.mul(p, tf.oneHot(y, 3)), 1);
    return tf.neg(tf.mean(tf.log(picked))) as tf.Scalar;
  };
  const [sqT, valueT, hidden] = tf.tidy(() => {
    const grads = tf.grads(loss)([k1, b1, k2, b2]);
    return [
      tf.stack(grads.map((g) => tf.sum(tf.square(g)))),
      loss(k1, b1, k2, b2),
      tf.relu(tf.add(tf.matMul(x, k1), b1)),
    ];
  }) as [Tensor, Tensor, Tensor];
  const sq = sqT.dataSync();
  const value = valueT.dataSync()[0]!;
  const h = Array.from(hidden.dataSync());
  const mean = h.reduce((s, v) => s + v, 0) / h.length;
  const std = Math.sqrt(h.reduce((s, v) => s + (v - mean) ** 2, 0) / h.length);
  let dead = 0;
  for (let u = 0; u < 8; u++) {
    let alive = false;
    for (let i = 0; i < n; i++) if (h[i * 8 + u]! > 0) alive = true;
    if (!alive) dead++;
  }
  tf.dispose([k1, b1, k2, b2, sqT, valueT, hidden]);
  return {
    loss: value,
    norm0: Math.sqrt(sq[0]! + sq[1]!),
    norm1: Math.sqrt(sq[2]! + sq[3]!),
    mean,
    std,
    dead: dead / 8,
  };
}

function close(a: number, b: number, rel = 1e-5): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 + rel * Math.abs(b));
}

describe('probeLayers', () => {
  it('matches tf.grads and host statistics, with one device read and no leak', async () => {
    const model = mlp();
    const ref = reference(model, probe.x, probe.y);
    const before = tf.memory().numTensors;
    const readAsync = vi.spyOn(tf.Tensor.prototype, 'data');
    const readSync = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    try {
      const r = await probeLayers(model.layers, probe.x, probe.y, {
        loss: 'sparse_categorical_crossentropy',
      });
      expect(readAsync.mock.calls.length + readSync.mock.calls.length).toBe(1);
      expect(tf.memory().numTensors).toBe(before);
      close(r.loss, ref.loss);
      const [l0, l1] = r.layers;
      close(l0!.gradientNorm, ref.norm0);
      close(l1!.gradientNorm, ref.norm1);
      close(l0!.activationMean, ref.mean);
      close(l0!.activationStd, ref.std);
      expect(l0!.deadFraction).toBe(ref.dead);
      expect(l0).toMatchObject({
        name: 'dense',
        className: 'Dense',
        activation: 'relu',
        activityKind: 'dead',
      });
      expect(Number.isNaN(l0!.saturatedFraction)).toBe(true);
      // softmax: neither dead nor saturated is judged
      expect(l1!.activityKind).toBeUndefined();
      expect(Number.isNaN(l1!.deadFraction)).toBe(true);
      close(l1!.activationMean, 1 / 3);
    } finally {
      readAsync.mockRestore();
      readSync.mockRestore();
      model.dispose();
    }
  });

  it('counts dead ReLU units and saturated sigmoid/tanh outputs', async () => {
    const model = new Sequential(
      [
        new Dense({
          units: 6,
          activation: 'relu',
          inputShape: [2],
          kernelInitializer: 'ones',
          biasInitializer: 'zeros',
        }),
        new Dense({ units: 5, activation: 'tanh', kernelInitializer: 'he_normal' }),
        new Dense({ units: 4, activation: 'sigmoid', kernelInitializer: 'he_normal' }),
        new Dense({ units: 3 }),
      ],
      { seed: 1 },
    );
    // Inputs with x0 + x1 <= 0 everywhere: every unit of the first (all-ones kernel) layer is dead.
    const x = tf.tensor2d([-1, -2, -3, 1, 0, -0.5, -4, 2], [4, 2]);
    const y = tf.tensor1d([0, 1, 2, 1], 'int32');
    // Scale the second layer's kernel so that tanh and sigmoid outputs spread over the saturated range.
    const tanhKernel = (model.layers[1] as Dense).kernel;
    tanhKernel.assign(tf.tidy(() => tf.mul(tanhKernel.variable, 50)));
    try {
      const r = await probeLayers(model.layers, x, y, { loss: 'sparse_categorical_crossentropy' });
      expect(r.layers[0]!.deadFraction).toBe(1);
      expect(r.layers[0]!.activationStd).toBe(0);
      // Nothing reaches the later layers' kernels through dead units; only the biases get gradients.
      const tanhOut = tf.tidy(() => model.layers[1]!.apply(model.layers[0]!.apply(x)));
      const sigOut = tf.tidy(() => model.layers[2]!.apply(tanhOut));
      const t = tanhOut.dataSync();
      const s = sigOut.dataSync();
      const tanhSat = Array.from(t).filter((v) => Math.abs(v) > 0.99).length / t.length;
      const sigSat = Array.from(s).filter((v) => v < 0.01 || v > 0.99).length / s.length;
      tf.dispose([tanhOut, sigOut]);
      close(r.layers[1]!.saturatedFraction, tanhSat);
      close(r.layers[2]!.saturatedFraction, sigSat);
      expect(r.layers[1]!.activityKind).toBe('tanh');
      expect(r.layers[2]!.activityKind).toBe('sigmoid');
      expect(Number.isNaN(r.layers[3]!.deadFraction)).toBe(true);
    } finally {
      tf.dispose([x, y]);
      model.dispose();
    }
  });
});

describe('gradientMonitor', () => {
  it('records every N steps with the values of a direct computation, one device read each, no leak', async () => {
    const model = mlp(5);
    const twin = mlp(5); // same seed: the weights the first record sees
    const refInitial = reference(twin, probe.x, probe.y);
    twin.dispose();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
    });
    // Baseline read-backs of the same fit without the monitor.
    const countReads = async (m: Sequential) => {
      const t = compile(m, {
        loss: 'sparse_categorical_crossentropy',
        optimizer: sgd({ learningRate: 0.1 }),
      });
      const readAsync = vi.spyOn(tf.Tensor.prototype, 'data');
      const readSync = vi.spyOn(tf.Tensor.prototype, 'dataSync');
      try {
        await t.fit(data.x, data.y, { epochs: 4, batchSize: 32, seed: 1, verbose: 0 });
        return readAsync.mock.calls.length + readSync.mock.calls.length;
      } finally {
        readAsync.mockRestore();
        readSync.mockRestore();
        t.dispose();
      }
    };
    const baselineModel = mlp(5);
    const baseline = await countReads(baselineModel);
    baselineModel.dispose();

    const checks: { step: number; ref: ReturnType<typeof reference> }[] = [];
    const monitor = gradientMonitor({
      every: 5,
      x: probe.x,
      y: probe.y,
      onRecord: (r) => {
        // The weights have not moved since the record was measured: recompute it independently.
        checks.push({ step: r.step, ref: reference(model, probe.x, probe.y) });
      },
    });
    const before = tf.memory().numTensors;
    const readsSpy = vi.spyOn(tf.Tensor.prototype, 'data');
    const readsSyncSpy = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    let history: Awaited<ReturnType<typeof trainer.fit>>;
    let reads: number;
    try {
      history = await trainer.fit(data.x, data.y, {
        epochs: 4,
        batchSize: 32,
        seed: 1,
        callbacks: [monitor],
        verbose: 0,
      });
      // onRecord's reference computation reads too: count only the fit's own reads.
      reads = readsSpy.mock.calls.length + readsSyncSpy.mock.calls.length;
    } finally {
      readsSpy.mockRestore();
      readsSyncSpy.mockRestore();
    }
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);

    // 3 steps per epoch × 4 epochs = 12 steps: records at steps 0 (initial), 5, 10.
    expect(monitor.steps).toEqual([0, 5, 10]);
    expect(monitor.records.map((r) => [r.epoch, r.batch])).toEqual([
      [0, -1],
      [1, 1],
      [3, 0],
    ]);
    expect(monitor.layerNames).toEqual(['dense', 'dense_1']);
    const norms = monitor.matrix('gradientNorm');
    expect(norms).toHaveLength(3);
    expect(norms[0]).toHaveLength(2);

    // Initial record = the untrained twin's reference.
    const r0 = monitor.records[0]!;
    close(r0.loss, refInitial.loss);
    close(r0.layers[0]!.gradientNorm, refInitial.norm0);
    close(r0.layers[1]!.gradientNorm, refInitial.norm1);
    // Every record = the reference computed at that moment.
    expect(checks.map((c) => c.step)).toEqual([0, 5, 10]);
    for (const [i, { ref }] of checks.entries()) {
      const r = monitor.records[i]!;
      close(r.loss, ref.loss);
      close(r.layers[0]!.gradientNorm, ref.norm0);
      close(r.layers[1]!.gradientNorm, ref.norm1);
      close(r.layers[0]!.activationMean, ref.mean);
      close(r.layers[0]!.activationStd, ref.std);
      expect(r.layers[0]!.deadFraction).toBe(ref.dead);
    }
    // One read per record: each reference() call does 3 dataSyncs (squared norms, loss, hidden layer).
    const referenceReads = 3 * checks.length;
    expect(reads - referenceReads - baseline).toBe(monitor.records.length);

    // History: the epoch's latest record, NaN for epochs without one.
    expect(history.history['gradient_norm/dense']).toEqual([
      Number.NaN,
      monitor.records[1]!.layers[0]!.gradientNorm,
      Number.NaN,
      monitor.records[2]!.layers[0]!.gradientNorm,
    ]);
    expect(history.history.loss).toHaveLength(4);
    model.dispose();
  });

  it('validates its options', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isSteadygradError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(err(() => gradientMonitor({ every: 0, x: probe.x, y: probe.y }))).toBe('INVALID_ARGUMENT');
    expect(err(() => gradientMonitor({ every: 1.5, x: probe.x, y: probe.y }))).toBe('INVALID_ARGUMENT');
    expect(err(() => gradientMonitor({ x: [1, 2] as unknown as Tensor, y: probe.y }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(err(() => gradientMonitor({ x: data.x, y: probe.y }))).toBe('SHAPE_MISMATCH');
    // @ts-expect-error: not a name the type admits
    expect(err(() => gradientMonitor({ x: probe.x, y: probe.y, loss: 'nope' }))).toBe('UNKNOWN_NAME');
    expect(gradientMonitor({ x: probe.x, y: probe.y }).every).toBe(100);
  });

  it('refuses a model without layers', async () => {
    const model = mlp();
    const trainer = compile(
      {
        ...{ apply: (x: Tensor) => model.apply(x), trainableParameters: model.trainableParameters },
        regularizationLosses: () => [],
        applyConstraints: () => {},
        outputShape: model.outputShape,
      },
      { loss: 'sparse_categorical_crossentropy', optimizer: sgd({ learningRate: 0.1 }) },
    );
    const before = tf.memory().numTensors;
    await expect(
      trainer.fit(data.x, data.y, { callbacks: [gradientMonitor({ x: probe.x, y: probe.y })], verbose: 0 }),
    ).rejects.toThrow(/exposes its layers/);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    model.dispose();
  });
});

describe('probeLayers runs the layers’ execution plan', () => {
  /** Scale → Dense as one computation (the layers' own calls): counts its runs, hands over Scale's output. */
  const runs = { fused: 0 };
  const scaleThenDense: FusionRule = {
    name: 'Scale → Dense',
    length: 2,
    matches: (chain) => chain[1] instanceof Dense,
    apply(chain, x, ctx, intermediates) {
      runs.fused++;
      const h = (chain[0] as Layer).apply(x, ctx);
      if (intermediates !== undefined) intermediates.push(tf.keep(tf.clone(h)));
      const y = (chain[1] as Layer).apply(h, ctx);
      h.dispose();
      return y;
    },
  };
  class Scale extends Layer {
    readonly className: string = 'Scale';
    call(x: Tensor): Tensor {
      return tf.mul(x, 3);
    }
  }
  class FusingScale extends Scale {
    override get fusionRules(): readonly FusionRule[] {
      return [scaleThenDense];
    }
  }
  const stack = (first: Layer) =>
    new Sequential([first, new Dense({ units: 8, activation: 'relu' }), new Dense({ units: 3 })], {
      seed: 4,
    });

  it('a fused step reports every layer: the same statistics as the layers one by one, no leak', async () => {
    const fused = stack(new FusingScale({ inputShape: [2] }));
    const plain = stack(new Scale({ inputShape: [2] }));
    expect(fused.plan.map((s) => s.rule?.name)).toEqual(['Scale → Dense', undefined]);
    const before = tf.memory().numTensors;
    runs.fused = 0;
    const options = { loss: 'sparse_categorical_crossentropy', training: true } as const;
    const a = await probeLayers(fused.layers, probe.x, probe.y, options);
    expect(runs.fused).toBe(1);
    const b = await probeLayers(plain.layers, probe.x, probe.y, options);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.layers.map((l) => l.name)).toEqual(['scale', 'dense', 'dense_1']);
    expect(a.loss).toBe(b.loss);
    a.layers.forEach((l, i) => {
      const o = b.layers[i]!;
      expect([l.activationMean, l.activationStd, l.deadFraction]).toEqual([
        o.activationMean,
        o.activationStd,
        o.deadFraction,
      ]);
      if (i > 0) expect(l.gradientNorm).toBe(o.gradientNorm);
    });
    expect(a.layers[0]!.activationMean).not.toBe(0);
    fused.dispose();
    plain.dispose();
  });
});
