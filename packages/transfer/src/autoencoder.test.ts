import { RandomStream, tf } from '@steadygrad/core';
import { Dense } from '@steadygrad/nn';
import { adam } from '@steadygrad/optim';
import { describe, expect, it } from 'vitest';
import { Autoencoder } from './autoencoder.js';
import { classifierFromEncoder } from './classifier-from-encoder.js';
import { Reshape } from './reshape.js';
import { values } from './test-utils/models.js';

/** Images [n, 4, 4] in [0, 1] built from 2 latent factors (so a 2-unit code can reconstruct them). */
function images(n: number, seed = 3): tf.Tensor3D {
  const rng = new RandomStream(seed);
  const out = new Float32Array(n * 16);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform();
    const b = rng.uniform();
    for (let j = 0; j < 16; j++) out[i * 16 + j] = j < 8 ? a : b;
  }
  return tf.tensor3d(out, [n, 4, 4]);
}

describe('Autoencoder', () => {
  it('is a mirrored stack: Flatten, encoders, decoders, Reshape', () => {
    const before = tf.memory().numTensors;
    const ae = new Autoencoder({ inputShape: [4, 4], units: [8, 2], seed: 1 });
    expect(ae.model.layers.map((l) => l.name)).toEqual([
      'flatten',
      'encoder_0',
      'encoder_1',
      'decoder_1',
      'decoder_0',
      'reshape',
    ]);
    expect(ae.model.layers.map((l) => l.computeOutputShape(l.buildInputShape!))).toEqual([
      [null, 16],
      [null, 8],
      [null, 2],
      [null, 8],
      [null, 16],
      [null, 4, 4],
    ]);
    expect((ae.decoderLayers[1] as Dense).activation.name).toBe('sigmoid');
    expect(ae.encoder.parameters[0]).toBe(ae.model.parameters[0]);
    const x = images(5);
    const codes = ae.encode(x);
    const rec = ae.reconstruct(x);
    expect(codes.shape).toEqual([5, 2]);
    expect(rec.shape).toEqual([5, 4, 4]);
    tf.dispose([x, codes, rec]);
    ae.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => new Autoencoder({ inputShape: [4, 4], units: [] })).toThrow(
      /units must be a non-empty array/,
    );
    expect(() => new Reshape({ targetShape: [0] })).toThrow(/targetShape must be a non-empty array/);
  });

  it('pretrain (fit(x, x)) lowers the reconstruction error, with either loss', async () => {
    const before = tf.memory().numTensors;
    const x = images(128);
    for (const reconstruction of ['mse', 'binary_crossentropy'] as const) {
      // elu: with relu a 2-unit bottleneck of this tiny model dies (the loss stays at the data variance).
      const ae = new Autoencoder({
        inputShape: [4, 4],
        units: [8, 2],
        reconstruction,
        activation: 'elu',
        seed: 1,
      });
      const history = await ae.pretrain(x, {
        epochs: 6,
        batchSize: 16,
        optimizer: adam({ learningRate: 0.02 }),
      });
      const loss = history.history.loss!;
      expect(loss).toHaveLength(6);
      expect(loss[5]!).toBeLessThan(loss[0]! * (reconstruction === 'mse' ? 0.2 : 0.8));
      ae.dispose();
    }
    tf.dispose(x);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pretrainGreedy trains one shallow autoencoder at a time', async () => {
    const before = tf.memory().numTensors;
    const x = images(64);
    const ae = new Autoencoder({ inputShape: [4, 4], units: [8, 2], seed: 2 });
    const w0 = values(ae.model.parameters);
    const histories = await ae.pretrainGreedy(x, { epochs: 2, batchSize: 16 });
    expect(histories).toHaveLength(2);
    const w1 = values(ae.model.parameters);
    // Every Dense layer of the stack has been trained (encoder_0, encoder_1, decoder_1, decoder_0 kernels).
    for (const i of [0, 2, 4, 6]) expect(w1[i]).not.toEqual(w0[i]);
    tf.dispose(x);
    ae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('classifierFromEncoder starts from a copy of the pretrained encoder', () => {
    const before = tf.memory().numTensors;
    const ae = new Autoencoder({ inputShape: [4, 4], units: [8, 2], seed: 1 });
    const clf = classifierFromEncoder(ae, { head: new Dense(3, { activation: 'softmax' }), seed: 4 });
    expect(clf.model.layers.map((l) => l.name)).toEqual(['flatten', 'encoder_0', 'encoder_1', 'dense']);
    expect(values(clf.base.flatMap((l) => l.parameters))).toEqual(values(ae.encoder.parameters));
    expect(clf.base[1]).not.toBe(ae.encoderLayers[1]);
    const x = images(4);
    const p = clf.model.apply(x);
    expect(p.shape).toEqual([4, 3]);
    tf.dispose([x, p]);
    clf.dispose();
    ae.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
