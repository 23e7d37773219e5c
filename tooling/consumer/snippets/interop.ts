// @steadygrad/interop from its tarball: save a Sequential in the tfjs-layers format and load it back.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSteadygradError, tf, useBackend } from '@steadygrad/core';
import { loadLayersModel, saveLayersModel } from '@steadygrad/interop';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';

await useBackend('wasm');
const dir = mkdtempSync(join(tmpdir(), 'interop-'));
try {
  const model = new Sequential(
    [
      new Flatten({ inputShape: [2, 2] }),
      new Dense({ units: 3, activation: 'relu' }),
      new Dense({ units: 2 }),
    ],
    {
      seed: 5,
    },
  );
  model.build();
  const saved = await saveLayersModel(model, join(dir, 'm'));
  if (saved.weightBytes !== (4 * 3 + 3 + 3 * 2 + 2) * 4) throw new Error(`weightBytes ${saved.weightBytes}`);
  const weightsName = saved.weightsPath.slice(join(dir, 'm').length + 1);
  if (!/^weights-[0-9a-f]{16}\.bin$/.test(weightsName)) throw new Error(`weights file ${weightsName}`);
  if (readdirSync(join(dir, 'm')).sort().join(',') !== `model.json,${weightsName}`)
    throw new Error('files written');
  const json = JSON.parse(readFileSync(saved.modelJsonPath, 'utf8'));
  if (json.modelTopology.config.layers[0].config.batch_input_shape.join(',') !== ',2,2')
    throw new Error('batch_input_shape');
  const back = await loadLayersModel(join(dir, 'm'));
  const x = tf.randomNormal([4, 2, 2], 0, 1, 'float32', 1);
  const diff = tf.max(tf.abs(tf.sub(model.apply(x), back.apply(x)))).dataSync()[0];
  if (diff !== 0) throw new Error(`round trip changed predictions by ${diff}`);
  try {
    await loadLayersModel(join(dir, 'missing'));
    throw new Error('loading a missing directory worked');
  } catch (e) {
    if (!isSteadygradError(e, 'NOT_FOUND')) throw e;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log('interop: ok');
