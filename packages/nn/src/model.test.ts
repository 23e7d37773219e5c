import { isSteadygradError, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Add } from './add.js';
import { Concatenate } from './concatenate.js';
import { Dense } from './dense.js';
import { Flatten } from './flatten.js';
import { mapGraph } from './functional-graph.js';
import { input } from './input-layer.js';
import { Model } from './model.js';
import { Multiply } from './multiply.js';
import { Sequential } from './sequential.js';
import { type LayerNode, SymbolicTensor } from './symbolic-tensor.js';

function expectError(fn: () => unknown, code: string, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isSteadygradError(caught), String(caught)).toBe(true);
  const err = caught as { code: string; message: string };
  expect(err.code).toBe(code);
  for (const f of fragments) expect(err.message).toContain(f);
}

function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/** input [6] → dense(8, relu) → add with a projection of the input → dense(3). */
function residual(seed = 0): Model {
  const x = input({ shape: [6], name: 'x' });
  const h = new Dense({ units: 6, activation: 'relu', name: 'hidden' }).apply(x);
  const sum = new Add({ name: 'residual' }).apply([x, h]);
  const y = new Dense({ units: 3, name: 'head' }).apply(sum);
  return new Model({ inputs: x, outputs: y, name: 'res', seed });
}

describe('functional Model', () => {
  beforeAll(() => registerGradients());

  it('a chain gets the weights and the outputs of the Sequential with the same layers and seed, bit for bit', () => {
    const x = input({ shape: [4, 5] });
    const y = new Dense({ units: 3, activation: 'softmax' }).apply(
      new Dense({ units: 7, activation: 'relu' }).apply(new Flatten().apply(x)),
    );
    const model = new Model({ inputs: x, outputs: y, seed: 11 });
    const seq = new Sequential(
      [
        new Flatten({ inputShape: [4, 5] }),
        new Dense({ units: 7, activation: 'relu' }),
        new Dense({ units: 3, activation: 'softmax' }),
      ],
      { seed: 11 },
    );
    expect(model.layers.map((l) => `${l.name}:${l.className}`)).toEqual([
      'input_layer:InputLayer',
      'flatten:Flatten',
      'dense:Dense',
      'dense_1:Dense',
    ]);
    expect(model.parameters.map((p) => p.name)).toEqual(seq.parameters.map((p) => p.name));
    model.parameters.forEach((p, i) => {
      expect(values(p.variable)).toEqual(values((seq.parameters[i] as typeof p).variable));
    });
    const batch = tf.randomNormal([5, 4, 5], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    const a = model.apply(batch);
    const b = seq.apply(batch);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(a.shape).toEqual([5, 3]);
    expect(values(a)).toEqual(values(b));
    expect(model.inputShape).toEqual([null, 4, 5]);
    expect(model.outputShape).toEqual([null, 3]);
    tf.dispose([a, b, batch]);
    model.dispose();
    seq.dispose();
  });

  it('a residual block computes head(x + relu(hidden(x))) and frees every intermediate', () => {
    const model = residual();
    const x = tf.tensor2d([
      [1, -2, 3, 0.5, -1, 2],
      [0, 1, -1, 2, 3, -3],
    ]);
    const before = tf.memory().numTensors;
    const y = model.apply(x, { training: true });
    expect(tf.memory().numTensors).toBe(before + 1);
    const hidden = model.getLayer('hidden') as Dense;
    const head = model.getLayer('head') as Dense;
    const expected = tf.tidy(() => {
      const h = tf.relu(tf.add(tf.matMul(x, hidden.kernel.variable), hidden.bias?.variable as Tensor));
      return tf.add(tf.matMul(tf.add(x, h), head.kernel.variable), head.bias?.variable as Tensor);
    });
    const got = values(y);
    for (const [i, v] of values(expected).entries()) expect(got[i]).toBeCloseTo(v, 5);
    tf.dispose([x, y, expected]);
    model.dispose();
  });

  it('Concatenate joins along its axis (default last, or axis 1), Multiply multiplies, with several inputs and outputs', () => {
    const a = input({ shape: [2, 3], name: 'a' });
    const b = input({ shape: [2, 1], name: 'b' });
    const last = new Concatenate({ name: 'cat_last' }).apply([a, b]);
    const first = new Concatenate({ axis: 1, name: 'cat_rows' }).apply([a, a]);
    const prod = new Multiply({ name: 'gate' }).apply([a, b]);
    expect(last.shape).toEqual([null, 2, 4]);
    expect(first.shape).toEqual([null, 4, 3]);
    expect(prod.shape).toEqual([null, 2, 3]);
    const model = new Model({ inputs: [a, b], outputs: [last, first, prod] });
    const ta = tf.tensor3d([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ]);
    const tb = tf.tensor3d([[[10], [-1]]]);
    const before = tf.memory().numTensors;
    const [l, f, p] = model.applyAll([ta, tb]) as [Tensor, Tensor, Tensor];
    expect(tf.memory().numTensors).toBe(before + 3);
    expect(l.arraySync()).toEqual([
      [
        [1, 2, 3, 10],
        [4, 5, 6, -1],
      ],
    ]);
    expect(f.arraySync()).toEqual([
      [
        [1, 2, 3],
        [4, 5, 6],
        [1, 2, 3],
        [4, 5, 6],
      ],
    ]);
    expect(p.arraySync()).toEqual([
      [
        [10, 20, 30],
        [-4, -5, -6],
      ],
    ]);
    expectError(() => model.apply([ta, tb]), 'INVALID_ARGUMENT', 'applyAll');
    expect(tf.memory().numTensors).toBe(before + 3);
    expect(model.getLayer('cat_rows').getConfig().axis).toBe(1);
    tf.dispose([ta, tb, l, f, p]);
  });

  it('one layer called at two sites shares its weights and is listed once', () => {
    const a = input({ shape: [3], name: 'left' });
    const b = input({ shape: [3], name: 'right' });
    const shared = new Dense({ units: 2, name: 'shared' });
    const out = new Add().apply([shared.apply(a), shared.apply(b)]);
    const model = new Model({ inputs: [a, b], outputs: out });
    expect(model.layers.map((l) => l.name)).toEqual(['left', 'right', 'shared', 'add']);
    expect(model.parameters.map((p) => p.name)).toEqual(['shared/kernel', 'shared/bias']);
    const ta = tf.tensor2d([[1, 2, 3]]);
    const tb = tf.tensor2d([[-1, 0, 2]]);
    const y = model.apply([ta, tb]);
    const expected = tf.tidy(() => {
      const k = (model.getLayer('shared') as Dense).kernel.variable;
      const bias = (model.getLayer('shared') as Dense).bias?.variable as Tensor;
      return tf.add(tf.add(tf.matMul(ta, k), bias), tf.add(tf.matMul(tb, k), bias));
    });
    const got = values(y);
    for (const [i, v] of values(expected).entries()) expect(got[i]).toBeCloseTo(v, 5);
    expect(shared.inboundNodes).toHaveLength(2);
    expectError(() => shared.output, 'INVALID_ARGUMENT', "'shared' has 2 call sites");
    tf.dispose([ta, tb, y, expected]);
    model.dispose();
  });

  it('getLayer finds layers by name or index and names the candidates otherwise', () => {
    const model = residual();
    expect(model.getLayer('head').name).toBe('head');
    expect(model.getLayer(0).className).toBe('InputLayer');
    expect(model.getLayer(-1).name).toBe('head');
    expectError(
      () => model.getLayer('hed'),
      'NOT_FOUND',
      "Did you mean 'head'?",
      'x, hidden, residual, head',
    );
    expectError(() => model.getLayer(9), 'NOT_FOUND', 'index 9');
    model.dispose();
  });

  it('a sub-model cut at an intermediate layer shares the base weights (the "cut the head off" step)', () => {
    const base = residual(5);
    const cut = new Model({ inputs: base.inputs, outputs: base.getLayer('residual').output, name: 'cut' });
    expect(cut.layers.map((l) => l.name)).toEqual(['x', 'hidden', 'residual']);
    expect(cut.parameters[0]).toBe(base.parameters[0]);
    expect(cut.outputShape).toEqual([null, 6]);
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6]]);
    const hidden = base.getLayer('hidden').apply(x);
    const expected = tf.add(x, hidden);
    const y = cut.apply(x);
    expect(values(y)).toEqual(values(expected));
    // A new head on the cut base: only the new layer is built, from the new model's seed.
    const head = new Dense({ units: 2, name: 'new_head' }).apply(base.getLayer('residual').output);
    const transferred = new Model({ inputs: base.inputs, outputs: head });
    expect(transferred.parameters.map((p) => p.name)).toEqual([
      'hidden/kernel',
      'hidden/bias',
      'new_head/kernel',
      'new_head/bias',
    ]);
    tf.dispose([x, hidden, expected, y]);
    base.dispose();
    transferred.getLayer('new_head').dispose();
  });

  it('summary prints the Keras "Connected to" column and counts shared weights once', () => {
    const lines: string[] = [];
    const model = residual();
    const s = model.summary({ print: (l) => lines.push(l) });
    // Keras 2.13's functional summary: 98 wide, columns at 30/60/70 %, connections as a Python list that
    // wraps between items.
    expect(lines).toEqual([
      'Model: "res"',
      '_'.repeat(98),
      ' Layer (type)                Output Shape                 Param #   Connected to                  ',
      '='.repeat(98),
      ' x (InputLayer)              (None, 6)                    0         []                            ',
      ' '.repeat(98),
      " hidden (Dense)              (None, 6)                    42        ['x[0][0]']                   ",
      ' '.repeat(98),
      " residual (Add)              (None, 6)                    0         ['x[0][0]',                   ",
      "                                                                     'hidden[0][0]']              ",
      ' '.repeat(98),
      " head (Dense)                (None, 3)                    21        ['residual[0][0]']            ",
      ' '.repeat(98),
      '='.repeat(98),
      'Total params: 63 (252.00 Byte)',
      'Trainable params: 63 (252.00 Byte)',
      'Non-trainable params: 0 (0.00 Byte)',
      '_'.repeat(98),
    ]);
    expect(s.totalParams).toBe(6 * 6 + 6 + 6 * 3 + 3);
    expect(s.layers.find((l) => l.name === 'residual')?.connectedTo).toEqual(['x[0][0]', 'hidden[0][0]']);
    model.dispose();
  });

  it('getConfig lists inbound nodes as [layer, node, tensor] within the model', () => {
    const model = residual();
    const config = model.getConfig() as {
      layers: { name: string; inboundNodes: unknown[] }[];
      inputLayers: unknown;
      outputLayers: unknown;
    };
    expect(config.layers.map((l) => [l.name, l.inboundNodes])).toEqual([
      ['x', []],
      ['hidden', [[['x', 0, 0]]]],
      [
        'residual',
        [
          [
            ['x', 0, 0],
            ['hidden', 0, 0],
          ],
        ],
      ],
      ['head', [[['residual', 0, 0]]]],
    ]);
    expect(config.inputLayers).toEqual([['x', 0, 0]]);
    expect(config.outputLayers).toEqual([['head', 0, 0]]);
    model.dispose();
  });
});

describe('functional Model: bad graphs and bad input', () => {
  beforeAll(() => registerGradients());

  it('an output that needs an input the model is not given is a disconnected graph naming the layer', () => {
    const a = input({ shape: [2], name: 'a' });
    const b = input({ shape: [2], name: 'b' });
    const sum = new Add({ name: 'joint' }).apply([a, b]);
    const before = tf.memory().numTensors;
    expectError(
      () => new Model({ inputs: a, outputs: sum }),
      'INVALID_ARGUMENT',
      'graph disconnected',
      "'joint'",
      "'b'",
    );
    expectError(
      () => new Model({ inputs: [a, b], outputs: new Dense({ units: 1 }).apply(a) }),
      'INVALID_ARGUMENT',
      "input 'b' is not connected",
    );
    expectError(
      () => new Model({ inputs: sum, outputs: sum }),
      'INVALID_ARGUMENT',
      "layer 'joint'",
      'input()',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a layer called on incompatible shapes is SHAPE_MISMATCH naming the layer, at the call', () => {
    const a = input({ shape: [3] });
    const b = input({ shape: [4] });
    expectError(
      () => new Add({ name: 'bad_add' }).apply([a, b]),
      'SHAPE_MISMATCH',
      "'bad_add'",
      'axis 1 has sizes 3 and 4',
    );
    expectError(
      () => new Concatenate({ name: 'bad_cat' }).apply([input({ shape: [2, 3] }), input({ shape: [3, 3] })]),
      'SHAPE_MISMATCH',
      "'bad_cat'",
    );
    expectError(
      () => new Multiply({ name: 'bad_rank' }).apply([a, input({ shape: [3, 1] })]),
      'SHAPE_MISMATCH',
      'same rank',
    );
    const shared = new Dense({ units: 2, name: 'twice' });
    shared.apply(a);
    expectError(() => shared.apply(b), 'SHAPE_MISMATCH', "'twice'", '(None, 3)', '(None, 4)');
    expect(shared.inboundNodes).toHaveLength(1);
    expectError(
      () => new Dense({ units: 2, name: 'solo' }).apply([a, a]),
      'INVALID_ARGUMENT',
      "'solo'",
      'takes one input',
    );
  });

  it('a built layer checks a new call against its build shape', () => {
    const model = residual();
    expectError(() => model.getLayer('head').apply(input({ shape: [5] })), 'SHAPE_MISMATCH', "'head'");
    model.dispose();
  });

  it('a graph with a cycle is rejected naming a layer on it', () => {
    // The builder cannot make a cycle (a call's output is new); a loaded or hand-edited graph can.
    const x = input({ shape: [2], name: 'cx' });
    const d = new Dense({ units: 2, name: 'loop' });
    const y = d.apply(x);
    const node = y.node as { inputs: readonly SymbolicTensor[] };
    const cyclic: LayerNode = { layer: d, index: 5, inputs: [], outputs: [] };
    const t = new SymbolicTensor([null, 2], 'float32', cyclic, 0);
    (cyclic as unknown as { inputs: SymbolicTensor[] }).inputs = [t];
    expect(node.inputs).toHaveLength(1);
    expectError(() => mapGraph('m', [x], [t]), 'INVALID_ARGUMENT', 'cycle', "'loop'");
  });

  it('a model whose layer fails to build changes nothing and leaks nothing', () => {
    const a = input({ shape: [4] });
    const b = input({ shape: [null] });
    const ok = new Dense({ units: 2 });
    const bad = new Dense({ units: 2 });
    const outs = [ok.apply(a), bad.apply(b)];
    const before = tf.memory().numTensors;
    expectError(() => new Model({ inputs: [a, b], outputs: outs }), 'SHAPE_MISMATCH', 'known last axis');
    expect(tf.memory().numTensors).toBe(before);
    expect(ok.built).toBe(false);
    expect(ok.hasName).toBe(false);
    expect(bad.built).toBe(false);
  });

  it('wrong inputs at run time are typed errors, and nothing leaks', () => {
    const model = residual();
    const before = tf.memory().numTensors;
    const wrong = tf.zeros([2, 5]);
    expectError(() => model.apply(wrong), 'SHAPE_MISMATCH', "input 'x'", '(None, 6)');
    expectError(() => model.apply([wrong, wrong]), 'INVALID_ARGUMENT', 'takes 1 input');
    wrong.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expectError(
      () => new Model({ inputs: input({ shape: [1] }), outputs: input({ shape: [1] }), Name: 'x' } as never),
      'UNKNOWN_OPTION',
      "Did you mean 'name'?",
    );
    expectError(() => input({ shape: [0] }), 'INVALID_ARGUMENT', 'positive integers');
    model.dispose();
  });
});
