import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSteadygradError, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { Add, Concatenate, Dense, input, Model, Multiply } from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromLayersModel, loadLayersModel, saveLayersModel, toLayersModel } from './index.js';

let root: string;
beforeAll(async () => {
  registerGradients();
  root = await mkdtemp(join(tmpdir(), 'steadygrad-functional-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

/** A tfjs-layers model's model.json object and weight bytes, as its save handlers see them. */
async function tflArtifacts(
  model: tfl.LayersModel,
): Promise<{ json: Record<string, unknown>; data: ArrayBuffer }> {
  let out: { json: Record<string, unknown>; data: ArrayBuffer } | undefined;
  await model.save(
    tf.io.withSaveHandler(async (art) => {
      out = {
        json: {
          format: art.format,
          generatedBy: art.generatedBy,
          convertedBy: art.convertedBy,
          modelTopology: art.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }],
        },
        data: art.weightData as ArrayBuffer,
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return out as { json: Record<string, unknown>; data: ArrayBuffer };
}

/** A tfjs-layers functional model with two inputs, branches, Add, Multiply, Concatenate and a shared layer. */
function tflGraph(): tfl.LayersModel {
  const a = tfl.input({ shape: [5], name: 'a' });
  const b = tfl.input({ shape: [5], name: 'b' });
  const shared = tfl.layers.dense({ units: 6, activation: 'relu', name: 'shared' });
  const sa = shared.apply(a) as tfl.SymbolicTensor;
  const sb = shared.apply(b) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'sum' }).apply([sa, sb]) as tfl.SymbolicTensor;
  const gate = tfl.layers
    .dense({ units: 6, activation: 'sigmoid', name: 'gate' })
    .apply(a) as tfl.SymbolicTensor;
  const gated = tfl.layers.multiply({ name: 'gated' }).apply([sum, gate]) as tfl.SymbolicTensor;
  const cat = tfl.layers.concatenate({ axis: -1, name: 'cat' }).apply([gated, b]) as tfl.SymbolicTensor;
  const bn = tfl.layers.batchNormalization({ name: 'bn' }).apply(cat) as tfl.SymbolicTensor;
  const y1 = tfl.layers
    .dense({ units: 3, activation: 'softmax', name: 'probs' })
    .apply(bn) as tfl.SymbolicTensor;
  const y2 = tfl.layers.dense({ units: 1, name: 'score' }).apply(sum) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [a, b], outputs: [y1, y2], name: 'graph' });
}

describe('functional models: tfjs-layers <-> steadygrad', () => {
  it('a tfjs-layers functional model (two inputs, two outputs, shared layer, merges) loads and predicts within 1e-5', async () => {
    const source = tflGraph();
    const { json, data } = await tflArtifacts(source);
    const a = tf.randomNormal([7, 5], 0, 1, 'float32', 1);
    const b = tf.randomNormal([7, 5], 0, 1, 'float32', 2);
    const theirs = source.predict([a, b]) as Tensor[];
    // tfjs-layers keeps a few tensors of its own; ours are counted from here.
    const before = tf.memory().numTensors;
    expect((json.modelTopology as { class_name: string }).class_name).toBe('Model');
    const model = fromLayersModel(json, data) as Model;
    expect(model).toBeInstanceOf(Model);
    expect(model.layers.map((l) => l.name)).toEqual(source.layers.map((l) => l.name));
    expect(model.getLayer('shared').inboundNodes).toHaveLength(2);
    const ours = model.applyAll([a, b]);
    expect(ours.map((t) => t.shape)).toEqual([
      [7, 3],
      [7, 1],
    ]);
    for (const [i, t] of ours.entries()) expect(maxAbsDiff(t, theirs[i] as Tensor)).toBeLessThan(1e-5);
    tf.dispose(ours);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, ...theirs]);
    source.dispose();
  });

  it('a steadygrad functional model saved to files loads in tfjs-layers and back, with the same outputs', async () => {
    const x = input({ shape: [4], name: 'features' });
    const h = new Dense({ units: 8, activation: 'relu', name: 'h' }).apply(x);
    const bn = new BatchNormalization({ name: 'bn' }).apply(h);
    const skip = new Dense({ units: 8, name: 'skip' }).apply(x);
    const res = new Add({ name: 'res' }).apply([bn, skip]);
    const gate = new Multiply({ name: 'gate' }).apply([
      res,
      new Dense({ units: 8, activation: 'sigmoid', name: 'g' }).apply(x),
    ]);
    const cat = new Concatenate({ name: 'cat' }).apply([gate, x]);
    const y = new Dense({ units: 3, activation: 'softmax', name: 'out' }).apply(cat);
    const model = new Model({ inputs: x, outputs: y, seed: 3, name: 'ours' });
    for (let i = 0; i < 3; i++) {
      const xb = tf.randomNormal([16, 4], 1, 2, 'float32', i);
      tf.dispose([model.apply(xb, { training: true }), xb]);
    }
    const dir = join(root, 'ours');
    await saveLayersModel(model, dir);
    const art = toLayersModel(model);
    const theirs = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: art.modelJson.modelTopology as unknown as tf.io.ModelJSON['modelTopology'],
        weightSpecs: art.modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
        weightData: art.weightData,
      }),
    );
    expect(theirs.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    const back = (await loadLayersModel(dir)) as Model;
    const xs = tf.randomNormal([9, 4], 0, 1, 'float32', 7);
    const a = model.apply(xs);
    const b = theirs.predict(xs) as Tensor;
    const c = back.apply(xs);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
    expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([xs, a, b, c]);
    theirs.dispose();
    back.dispose();
    model.dispose();
  });
});

describe('functional model.json: bad input', () => {
  async function graphJson(): Promise<{ json: Record<string, unknown>; data: ArrayBuffer }> {
    const model = tflGraph();
    const out = await tflArtifacts(model);
    model.dispose();
    return out;
  }

  type LayerJson = { name: string; inbound_nodes: [string, number, number, object][][] };
  const layersOf = (json: Record<string, unknown>) =>
    (json.modelTopology as { config: { layers: LayerJson[] } }).config.layers;

  function expectCorrupt(json: Record<string, unknown>, data: ArrayBuffer, ...fragments: string[]): void {
    const before = tf.memory().numTensors;
    let caught: unknown;
    try {
      fromLayersModel(json, data);
    } catch (e) {
      caught = e;
    }
    expect(isSteadygradError(caught, 'CORRUPT_DATA'), String(caught)).toBe(true);
    for (const f of fragments) expect((caught as Error).message).toContain(f);
    expect(tf.memory().numTensors).toBe(before);
  }

  it('inbound_nodes that name a missing layer are CORRUPT_DATA naming the layer, and nothing leaks', async () => {
    const { json, data } = await graphJson();
    const probs = layersOf(json).find((l) => l.name === 'probs') as LayerJson;
    (probs.inbound_nodes[0] as [string, number, number, object][])[0] = ['nope', 0, 0, {}];
    expectCorrupt(json, data, "layer 'probs'", "names layer 'nope'");
  });

  it('a cycle in inbound_nodes is CORRUPT_DATA naming the layers on it', async () => {
    const { json, data } = await graphJson();
    const layers = layersOf(json);
    // sum reads gated, gated reads sum: neither can ever run.
    (layers.find((l) => l.name === 'sum') as LayerJson).inbound_nodes = [
      [
        ['gated', 0, 0, {}],
        ['shared', 1, 0, {}],
      ],
    ];
    expectCorrupt(json, data, 'cycle', "'sum'", "'gated'");
  });

  it("a node index past the layer's calls, or a huge declared layer, is CORRUPT_DATA before any allocation", async () => {
    const { json, data } = await graphJson();
    const sum = layersOf(json).find((l) => l.name === 'sum') as LayerJson;
    (sum.inbound_nodes[0] as [string, number, number, object][])[1] = ['shared', 5, 0, {}];
    expectCorrupt(json, data, "layer 'sum'", "node 5 of layer 'shared'");
    const again = await graphJson();
    const score = layersOf(again.json).find((l) => l.name === 'score') as unknown as {
      config: { units: number };
    };
    score.config.units = 99_999_999_999;
    expectCorrupt(again.json, again.data, "'score'", 'weight data holds');
  });
});
