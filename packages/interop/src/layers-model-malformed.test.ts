// loadLayersModel on malformed model.json files and weights: each a typed error naming what is wrong, nothing
// allocated left behind.
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isSteadygradError, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { describe, expect, it } from 'vitest';
import { fromLayersModel, loadLayersModel, saveLayersModel, toLayersModel } from './index.js';
import { maxAbsDiff, scratchDirs, weightsName } from './test-utils/scratch-dirs.js';

const { root: scratchRoot, freshDir } = scratchDirs();

describe('malformed model.json', () => {
  async function savedDir(): Promise<string> {
    const model = new Sequential(
      [new Dense({ units: 3, inputShape: [2], name: 'dense' }), new Dense({ units: 2, name: 'out' })],
      { seed: 2 },
    );
    model.build();
    const dir = freshDir();
    await saveLayersModel(model, dir);
    model.dispose();
    return dir;
  }
  // biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary model.json structures
  async function edit(dir: string, f: (json: any) => void): Promise<void> {
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    f(json);
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  }
  async function expectError(dir: string, code: string, pattern: RegExp): Promise<void> {
    const before = tf.memory().numTensors;
    const err = await loadLayersModel(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, 'loading should have failed').toBeDefined();
    expect(isSteadygradError(err, code as never), String(err)).toBe(true);
    expect((err as Error).message).toMatch(pattern);
    expect(tf.memory().numTensors).toBe(before);
  }

  it('a missing weight names the layer and the weight', async () => {
    const dir = await savedDir();
    await edit(dir, (j) => {
      j.weightsManifest[0].weights.pop();
    });
    const w = join(dir, await weightsName(dir));
    const bytes = await readFile(w);
    await writeFile(w, bytes.subarray(0, bytes.length - 8));
    await expectError(
      dir,
      'CORRUPT_DATA',
      /layer 'out' \(Dense\): weight 'out\/bias' \(shape \[2\]\) is missing/,
    );
  });

  it('a wrong shape names the layer, the weight and both shapes', async () => {
    const dir = await savedDir();
    await edit(dir, (j) => {
      j.weightsManifest[0].weights[0].shape = [3, 2];
    });
    await expectError(
      dir,
      'SHAPE_MISMATCH',
      /layer 'dense' \(Dense\): weight 'dense\/kernel' has shape \[3, 2\].*needs \[2, 3\]/,
    );
  });

  it('a weights file of the wrong size names the file and both sizes', async () => {
    const dir = await savedDir();
    const w = join(dir, await weightsName(dir));
    const bytes = await readFile(w);
    await writeFile(w, bytes.subarray(0, bytes.length - 4));
    await expectError(
      dir,
      'CORRUPT_DATA',
      /weights-[0-9a-f]{16}\.bin: 64 bytes, but .*model\.json lists 68 bytes/,
    );
  });

  it('a missing weights file is NOT_FOUND naming it', async () => {
    const dir = await savedDir();
    await rm(join(dir, await weightsName(dir)));
    await expectError(dir, 'NOT_FOUND', /weights-[0-9a-f]{16}\.bin does not exist/);
  });

  it('an unsupported layer, activation or class name is INCOMPATIBLE naming the layer; nothing is evaluated', async () => {
    const dir = await savedDir();
    await edit(dir, (j) => {
      j.modelTopology.config.layers[1].class_name = 'LSTM';
    });
    await expectError(dir, 'INCOMPATIBLE', /layer 'out' \(LSTM\): unsupported layer class 'LSTM'/);
    for (const name of ['__proto__', 'constructor', 'toString', 'Lambda']) {
      await edit(dir, (j) => {
        j.modelTopology.config.layers[1].class_name = name;
        j.modelTopology.config.layers[1].config.function = 'globalThis.__pwned = true';
      });
      await expectError(dir, 'INCOMPATIBLE', /unsupported layer class/);
    }
    await edit(dir, (j) => {
      j.modelTopology.config.layers[1].class_name = 'Dense';
      j.modelTopology.config.layers[1].config.activation = 'constructor';
    });
    await expectError(dir, 'INCOMPATIBLE', /layer 'out' \(Dense\): unsupported activation 'constructor'/);
    await edit(dir, (j) => {
      j.modelTopology.config.layers[1].config.activation = 'hard_sigmoid';
    });
    await expectError(dir, 'INCOMPATIBLE', /hard_sigmoid.*0\.2x \+ 0\.5/);
    expect((globalThis as { __pwned?: boolean }).__pwned).toBeUndefined();
  });

  it('weight paths may not leave the model directory', async () => {
    const dir = await savedDir();
    await writeFile(join(scratchRoot(), 'outside.bin'), await readFile(join(dir, await weightsName(dir))));
    for (const [path, why] of [
      ['../outside.bin', /escapes the model directory with '\.\.'/],
      ['sub/../../outside.bin', /'\.\.'/],
      [join(scratchRoot(), 'outside.bin'), /is absolute/],
      ['file:///etc/passwd', /URL/],
      ['..\\outside.bin', /backslash/],
    ] as const) {
      await edit(dir, (j) => {
        j.weightsManifest[0].paths = [path];
      });
      await expectError(dir, 'CORRUPT_DATA', why);
    }
    await symlink(join(scratchRoot(), 'outside.bin'), join(dir, 'link.bin'));
    await edit(dir, (j) => {
      j.weightsManifest[0].paths = ['link.bin'];
    });
    await expectError(dir, 'CORRUPT_DATA', /symbolic link/);
  });

  it('surplus weights, invalid JSON, missing input shape, a functional label without a graph and other model classes are refused', async () => {
    const dir = await savedDir();
    await edit(dir, (j) => {
      j.weightsManifest[0].weights.push({ name: 'ghost/kernel', shape: [0], dtype: 'float32' });
    });
    await expectError(dir, 'CORRUPT_DATA', /'ghost\/kernel' belong to no layer/);
    const dir2 = await savedDir();
    await edit(dir2, (j) => {
      delete j.modelTopology.config.layers[0].config.batch_input_shape;
    });
    await expectError(dir2, 'CORRUPT_DATA', /no batch_input_shape/);
    await edit(dir2, (j) => {
      j.modelTopology.class_name = 'Functional';
    });
    // A Sequential topology relabelled as functional has no input_layers / inbound_nodes to follow.
    await expectError(dir2, 'CORRUPT_DATA', /input_layers must be a non-empty list/);
    await edit(dir2, (j) => {
      j.modelTopology.class_name = 'MySubclassedModel';
    });
    await expectError(dir2, 'INCOMPATIBLE', /only Sequential and functional/);
    await writeFile(join(dir2, 'model.json'), '{"modelTopology": ');
    await expectError(dir2, 'CORRUPT_DATA', /model\.json: not valid JSON/);
    await expectError(join(scratchRoot(), 'nope'), 'NOT_FOUND', /does not exist/);
  });

  it('toLayersModel and fromLayersModel work without files', () => {
    const model = new Sequential([new Dense({ units: 2, inputShape: [2], activation: 'sigmoid' })], {
      seed: 4,
    });
    model.build();
    const { modelJson, weightData } = toLayersModel(model);
    const back = fromLayersModel(JSON.parse(JSON.stringify(modelJson)), weightData);
    const x = tf.tensor2d([[1, -1]]);
    const [a, b] = [model.apply(x), back.apply(x)];
    expect(maxAbsDiff(a, b)).toBe(0);
    expect(() => fromLayersModel(modelJson, new ArrayBuffer(4))).toThrow(/expected 24 bytes .*got 4/);
    tf.dispose([x, a, b]);
    model.dispose();
    back.dispose();
  });
});
