import { isSteadygradError, type Tensor, tf } from '@steadygrad/core';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLayersModel, saveLayersModel } from './layers-model-files-browser.js';
import { loadLayersModelFrom, saveLayersModelTo } from './layers-model-handler.js';

function model(): Sequential {
  const m = new Sequential(
    [
      new Flatten({ inputShape: [2, 3] }),
      new Dense({ units: 4, activation: 'relu' }),
      new Dense({ units: 2 }),
    ],
    { seed: 3 },
  );
  m.build([null, 2, 3]);
  return m;
}

function values(t: Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** A `memory://name` tf.io scheme (as `indexeddb://` is in a browser) for the browser entry's URL routing. */
const store = new Map<string, tf.io.ModelArtifacts>();
const memory = (url: string | string[]) => {
  if (typeof url !== 'string' || !url.startsWith('memory://')) return null;
  const key = url.slice('memory://'.length);
  return {
    save: async (a: tf.io.ModelArtifacts) => {
      store.set(key, a);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON' as const,
          weightDataBytes: (a.weightData as ArrayBuffer).byteLength,
        },
      };
    },
    load: async () => {
      const a = store.get(key);
      if (a === undefined) throw new Error(`nothing saved at ${url}`);
      return a;
    },
  };
};
const router = memory as unknown as Parameters<typeof tf.io.registerSaveRouter>[0];
tf.io.registerSaveRouter(router);
tf.io.registerLoadRouter(router);
afterAll(() => store.clear());

describe('tf.io handlers', () => {
  it('saveLayersModelTo → loadLayersModelFrom round-trips the predictions exactly, leaking nothing', async () => {
    const m = model();
    const x = tf.randomNormal([5, 2, 3], 0, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    let artifacts: tf.io.ModelArtifacts | undefined;
    const result = await saveLayersModelTo(
      m,
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(result.modelArtifactsInfo.modelTopologyType).toBe('JSON');
    expect(artifacts?.format).toBe('layers-model');
    expect(artifacts?.weightSpecs?.map((s) => s.shape)).toEqual([[6, 4], [4], [4, 2], [2]]);
    expect(tf.memory().numTensors).toBe(before);
    const back = await loadLayersModelFrom(tf.io.fromMemory(artifacts!));
    expect(values(back.apply(x))).toEqual(values(m.apply(x)));
    // tfjs-layers reads the same artifacts.
    const keras = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const y = keras.predict(x) as Tensor;
    const ours = values(m.apply(x));
    for (const [i, v] of values(y).entries()) expect(v).toBeCloseTo(ours[i]!, 5);
    keras.dispose();
    back.dispose();
    m.dispose();
    x.dispose();
  });

  it('a handler that fails or lacks a method is a typed error', async () => {
    const failing = { load: async () => Promise.reject(new Error('disk on fire')) };
    const e = await loadLayersModelFrom(failing).catch((err: unknown) => err);
    expect(isSteadygradError(e) && e.code).toBe('IO_ERROR');
    expect((e as Error).message).toMatch(/cannot load model through the tf.io handler: Error: disk on fire/);
    const e2 = await saveLayersModelTo(model(), {}).catch((err: unknown) => err);
    expect(isSteadygradError(e2) && e2.code).toBe('INVALID_ARGUMENT');
  });
});

describe('saveLayersModel / loadLayersModel in a browser bundle (tf.io URLs)', () => {
  it('saves to and loads from a tf.io URL; the paths returned are that URL', async () => {
    const m = model();
    const saved = await saveLayersModel(m, 'memory://net');
    expect(saved).toEqual({
      modelJsonPath: 'memory://net',
      weightsPath: 'memory://net',
      weightBytes: 4 * 38,
    });
    const back = await loadLayersModel('memory://net');
    const x = tf.randomNormal([3, 2, 3], 0, 1, 'float32', 2);
    expect(values(back.apply(x))).toEqual(values(m.apply(x)));
    tf.dispose([x]);
    back.dispose();
    m.dispose();
  });

  it('maxWeightBytes bounds the weights a URL may list; an unknown option is refused', async () => {
    const m = model();
    await saveLayersModel(m, 'memory://bounded');
    m.dispose();
    const before = tf.memory().numTensors;
    const e = await loadLayersModel('memory://bounded', { maxWeightBytes: 100 }).catch((err: unknown) => err);
    expect(isSteadygradError(e) && e.code).toBe('CORRUPT_DATA');
    expect((e as Error).message).toMatch(
      /memory:\/\/bounded: its weights manifest lists 152 bytes of weights, more than maxWeightBytes \(100\)/,
    );
    const e2 = await loadLayersModel('memory://bounded', { maxWeightByte: 1 } as never).catch(
      (err: unknown) => err,
    );
    expect(isSteadygradError(e2) && e2.code).toBe('UNKNOWN_OPTION');
    expect((e2 as Error).message).toMatch(/Did you mean 'maxWeightBytes'\?/);
    expect(tf.memory().numTensors).toBe(before);
    const back = await loadLayersModel('memory://bounded', { maxWeightBytes: 152 });
    back.dispose();
  });

  it('a plain directory is refused, saying which URLs a browser takes', async () => {
    const e = await saveLayersModel(model(), 'models/net').catch((err: unknown) => err);
    expect(isSteadygradError(e) && e.code).toBe('INVALID_ARGUMENT');
    expect((e as Error).message).toMatch(
      /no tf.io save handler for 'models\/net': in a browser, models are saved to 'indexeddb:\/\/name'/,
    );
    const e2 = await loadLayersModel('models/net').catch((err: unknown) => err);
    expect((e2 as Error).message).toMatch(/no tf.io load handler for 'models\/net'/);
  });
});
