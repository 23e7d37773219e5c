// The page's `auto` backend: of WebGL and WebAssembly, the one on which a few training steps of the seed cell 5
// BN-MLP run faster on this device (core's useFastestBackend). On a software WebGL renderer (SwiftShader, no GPU)
// wasm's SIMD kernels win by far; on a real GPU WebGL can. The probe model stands in for the experiment's own.
import { type FastestBackendInfo, tf, useFastestBackend } from '@steadygrad/core';
import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';
import { seedCell5Model } from '../../src/models.js';

/** Four `trainOnBatch` steps at batch 32 on random images, awaited to the end, everything disposed. */
async function probe(): Promise<void> {
  const model = seedCell5Model(0);
  const trainer = compile(model, {
    loss: 'sparse_categorical_crossentropy',
    optimizer: sgd({ learningRate: 0.01 }),
  });
  const x = tf.randomUniform([32, 28, 28], 0, 1, 'float32', 0);
  const y = tf.tensor1d(
    Array.from({ length: 32 }, (_, i) => i % 10),
    'int32',
  );
  try {
    let loss: tf.Scalar | undefined;
    for (let i = 0; i < 4; i++) {
      loss?.dispose();
      loss = trainer.trainOnBatch(x, y);
    }
    // Reading the last loss waits for the backend to finish (WebGL runs asynchronously).
    await loss?.data();
    loss?.dispose();
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}

/**
 * Selects the faster of WebGL and wasm for the seed cell 5 model (wasm alone where a worker has no
 * OffscreenCanvas, so no WebGL) and logs the timings through `log`.
 */
export async function fastestForSeedCell5(log: (line: string) => void): Promise<FastestBackendInfo> {
  const candidates =
    typeof OffscreenCanvas === 'undefined' ? (['wasm'] as const) : (['webgl', 'wasm'] as const);
  const info = await useFastestBackend(probe, { candidates, repeats: 2 });
  const times = Object.entries(info.timings)
    .map(([k, v]) => `${k} ${(v as number).toFixed(0)} ms`)
    .join(', ');
  log(`auto: ${info.name} is faster here (4 training steps of seed cell 5 at batch 32: ${times})`);
  return info;
}
