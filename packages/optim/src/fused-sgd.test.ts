import '@tensorflow/tfjs-backend-wasm';
import { disposeExcept, Parameter, setHostSimdEnabled, tf } from '@steadygrad/core';
import { afterAll, describe, expect, it } from 'vitest';
import { chain } from './chain.js';
import { Optimizer } from './optimizer.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { sgd } from './sgd.js';
import { trace } from './trace.js';

/** The straightforward chain sgd() builds, without the fused fast path. */
function unfused(lr: number | ((s: number) => number), momentum: number, nesterov: boolean) {
  return momentum > 0
    ? chain(scaleByLearningRate(lr), trace({ decay: momentum, nesterov }))
    : chain(scaleByLearningRate(lr));
}

/** A parameter holding `initial`'s value; `initial` is disposed. */
function param(name: string, initial: tf.Tensor): Parameter {
  const p = new Parameter(name, initial);
  initial.dispose();
  return p;
}

function makeParams(seed: number): Parameter[] {
  return [
    param('dense/kernel', tf.randomNormal([7, 5], 0, 1, 'float32', seed)),
    param('dense/bias', tf.randomNormal([5], 0, 1, 'float32', seed + 1)),
  ];
}

/** Small rank-1 parameters around a kernel (the tensorflow form updates the small ones as one group). */
const MANY: readonly (readonly [string, readonly number[]])[] = [
  ['bn/gamma', [6]],
  ['bn/beta', [6]],
  ['dense/kernel', [6, 4]],
  ['dense/bias', [4]],
  ['out/bias', [3]],
  ['big/bias', [5000]],
];

async function read(params: readonly Parameter[]): Promise<number[][]> {
  return Promise.all(params.map(async (p) => Array.from(await p.variable.data())));
}

// tensorflow where tfjs-node is registered (the suite's second pass): the kernel's TensorFlow form.
const BACKENDS = ['cpu', 'wasm', ...(tf.findBackendFactory('tensorflow') === null ? [] : ['tensorflow'])];

for (const backend of BACKENDS) {
  describe(`fused SGD on ${backend} equals the unfused chain bit for bit`, () => {
    afterAll(async () => {
      await tf.setBackend('cpu');
    });

    for (const [momentum, nesterov] of [
      [0, false],
      [0.9, false],
      [0.9, true],
    ] as const) {
      it(`momentum ${momentum}, nesterov ${nesterov}, with a schedule and a learning-rate change`, async () => {
        await tf.setBackend(backend);
        await tf.ready();
        const before = tf.memory().numTensors;
        const schedule = (s: number) => 0.05 / (1 + s);
        const fast = new Optimizer(sgd({ learningRate: schedule, momentum, nesterov }));
        const slow = new Optimizer(unfused(schedule, momentum, nesterov));
        const pf = makeParams(1);
        const ps = makeParams(1);
        for (let step = 0; step < 6; step++) {
          if (step === 3) {
            fast.setLearningRate(0.02);
            slow.setLearningRate(0.02);
          }
          const grads = tf.tidy(() => ({
            'dense/kernel': tf.randomNormal([7, 5], 0, 1, 'float32', 10 + step),
            'dense/bias': tf.randomNormal([5], 0, 1, 'float32', 20 + step),
          }));
          const mid = tf.memory().numTensors;
          fast.step(pf, grads);
          const afterFast = tf.memory().numTensors;
          slow.step(ps, grads);
          expect(tf.memory().numTensors - afterFast).toBe(afterFast - mid); // same state size, no leak
          tf.dispose(Object.values(grads));
        }
        expect(await read(pf)).toEqual(await read(ps));
        expect(fast.iterations).toBe(6);
        expect(fast.learningRate).toBe(slow.learningRate);
        const sf = fast.getState();
        const ss = slow.getState();
        expect(sf.meta).toEqual(ss.meta);
        expect(Object.keys(sf.tensors)).toEqual(Object.keys(ss.tensors));
        for (const k of Object.keys(sf.tensors)) {
          expect(Array.from(await (sf.tensors[k] as tf.Tensor).data())).toEqual(
            Array.from(await (ss.tensors[k] as tf.Tensor).data()),
          );
        }
        tf.dispose([...Object.values(sf.tensors), ...Object.values(ss.tensors)]);
        fast.dispose();
        slow.dispose();
        for (const p of [...pf, ...ps]) p.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    for (const simd of [true, false]) {
      // With WebAssembly SIMD the host kernel runs every size; without it, wasm updates parameters above
      // 16384 values with the backend's elementwise kernels.
      it(`large parameters are bit-identical too (host-kernel SIMD ${simd ? 'on' : 'off'})`, async () => {
        await tf.setBackend(backend);
        setHostSimdEnabled(simd);
        const before = tf.memory().numTensors;
        const make = () => [
          param('big/kernel', tf.randomNormal([130, 130], 0, 1, 'float32', 3)),
          param('big/bias', tf.randomNormal([130], 0, 1, 'float32', 4)),
        ];
        const pf = make();
        const ps = make();
        const fast = new Optimizer(sgd({ learningRate: 0.03, momentum: 0.9, nesterov: true }));
        const slow = new Optimizer(unfused(0.03, 0.9, true));
        for (let step = 0; step < 3; step++) {
          const grads = tf.tidy(() => ({
            'big/kernel': tf.randomNormal([130, 130], 0, 1, 'float32', 40 + step),
            'big/bias': tf.randomNormal([130], 0, 1, 'float32', 50 + step),
          }));
          fast.step(pf, grads);
          slow.step(ps, grads);
          tf.dispose(Object.values(grads));
        }
        expect(await read(pf)).toEqual(await read(ps));
        fast.dispose();
        slow.dispose();
        for (const p of [...pf, ...ps]) p.dispose();
        expect(tf.memory().numTensors).toBe(before);
        setHostSimdEnabled(true);
      });
    }

    it('several small parameters (one group on tensorflow) and a large one: bit-identical, no leak', async () => {
      await tf.setBackend(backend);
      for (const [momentum, nesterov] of [
        [0, false],
        [0.9, false],
        [0.9, true],
      ] as const) {
        const before = tf.memory().numTensors;
        const make = () =>
          MANY.map(([name, shape], k) => param(name, tf.randomNormal([...shape], 0, 1, 'float32', k + 1)));
        const pf = make();
        const ps = make();
        const init = await read(pf);
        const fast = new Optimizer(sgd({ learningRate: 0.05, momentum, nesterov }));
        const slow = new Optimizer(unfused(0.05, momentum, nesterov));
        for (let step = 0; step < 3; step++) {
          const grads = tf.tidy(() =>
            Object.fromEntries(
              MANY.map(([name, shape], k) => [
                name,
                tf.randomNormal([...shape], 0, 1, 'float32', 100 * step + k + 7),
              ]),
            ),
          );
          fast.step(pf, grads);
          slow.step(ps, grads);
          tf.dispose(Object.values(grads));
        }
        const [a, b] = [await read(pf), await read(ps)];
        expect(a).toEqual(b);
        expect(a.map((v, k) => v.some((x, i) => x !== (init[k] as number[])[i]))).toEqual(
          MANY.map(() => true),
        );
        const sf = fast.getState();
        const ss = slow.getState();
        for (const k of Object.keys(ss.tensors)) {
          expect(Array.from(await (sf.tensors[k] as tf.Tensor).data())).toEqual(
            Array.from(await (ss.tensors[k] as tf.Tensor).data()),
          );
          expect((sf.tensors[k] as tf.Tensor).shape).toEqual((ss.tensors[k] as tf.Tensor).shape);
        }
        tf.dispose([...Object.values(sf.tensors), ...Object.values(ss.tensors)]);
        fast.dispose();
        slow.dispose();
        for (const p of [...pf, ...ps]) p.dispose();
        expect(tf.memory().numTensors).toBe(before);
      }
    });

    it("runs one kernel for all the parameters instead of the chain's per-parameter ops", async () => {
      await tf.setBackend(backend);
      const params = makeParams(2);
      const grads = tf.tidy(() => ({ 'dense/kernel': tf.ones([7, 5]), 'dense/bias': tf.ones([5]) }));
      const fast = new Optimizer(sgd({ learningRate: 0.01, momentum: 0.9 }));
      const slow = new Optimizer(unfused(0.01, 0.9, false));
      fast.step(params, grads); // state creation
      slow.step(params, grads);
      // tf.profile returns the same (mutated) object every call: read each result before the next call.
      const kFast = (await tf.profile(() => fast.step(params, grads))).kernels.map((k) => k.name);
      const kSlow = (await tf.profile(() => slow.step(params, grads))).kernels.map((k) => k.name);
      // Backend-specific: on tensorflow the kernel's TensorFlow form runs outside tfjs's kernels (none profiled).
      expect(kFast).toEqual(backend === 'tensorflow' ? [] : ['SteadygradSgdStepMomentumx2']);
      expect(kSlow.length).toBe(8); // 2 × (scale, decay, add) + 2 adds to the parameters
      tf.dispose(Object.values(grads));
      fast.dispose();
      slow.dispose();
      for (const p of params) p.dispose();
    });
  });
}

describe('fallback', () => {
  it('sgd with clipping has no fused path; the fused path declines on non-float parameters', () => {
    expect(sgd({ momentum: 0.9, clipValue: 1 }).fusedApply).toBeUndefined();
    const before = tf.memory().numTensors;
    const tx = sgd({ momentum: 0.9 });
    const w = tf.zeros([2], 'int32');
    const g = tf.ones([2], 'int32');
    const state = tx.init({ w });
    const r = tx.fusedApply?.({ w: g }, state, { w });
    expect(r).toBeUndefined();
    disposeExcept(state, null);
    tf.dispose([w, g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
