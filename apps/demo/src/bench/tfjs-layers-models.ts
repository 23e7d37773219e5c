// The bench's models in tfjs-layers, compiled as its users write it: the same layers, initializers and defaults
// as steadygrad's, SGD 0.01 with momentum 0.9, sparse categorical cross-entropy, accuracy. Used by the Node bench
// (run-tfjs-layers.ts) and the browser bench's page (web/src/bench-worker.ts).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

function compileLikeTheBench(model: tfl.Sequential): void {
  model.compile({
    optimizer: tf.train.momentum(0.01, 0.9),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
}

/** Seed cell 5's BN-MLP (`seedCell5Model` of apps/demo/src/models.ts) in tfjs-layers, compiled. */
export function tfjsLayersSeedCell5(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [28, 28] }),
      tfl.layers.batchNormalization(),
      tfl.layers.dense({ units: 300, activation: 'relu', kernelInitializer: 'heNormal' }),
      tfl.layers.batchNormalization(),
      tfl.layers.dense({ units: 100, activation: 'relu', kernelInitializer: 'heNormal' }),
      tfl.layers.batchNormalization(),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  compileLikeTheBench(model);
  return model;
}

/** `smallCnnModel` of apps/demo/src/models.ts in tfjs-layers, compiled. */
export function tfjsLayersSmallCnn(): tfl.Sequential {
  const layers: tfl.layers.Layer[] = [tfl.layers.reshape({ targetShape: [28, 28, 1], inputShape: [28, 28] })];
  for (const filters of [16, 32]) {
    layers.push(
      tfl.layers.conv2d({
        filters,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: 'heNormal',
      }),
      tfl.layers.batchNormalization(),
      tfl.layers.reLU(),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
    );
  }
  layers.push(
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'heNormal' }),
    tfl.layers.dense({ units: 10, activation: 'softmax' }),
  );
  const model = tfl.sequential({ layers });
  compileLikeTheBench(model);
  return model;
}
