// @steadygrad/datasets from its tarball: parse a small IDX buffer, reject a truncated one.
import { isSteadygradError, tf, useBackend } from '@steadygrad/core';
import { CLASS_NAMES, parseIdx } from '@steadygrad/datasets';

await useBackend('wasm');
// IDX: magic 0x00000803 (uint8, rank 3), dims 2×2×3 big-endian, then 12 bytes.
const header = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3];
const bytes = new Uint8Array([...header, ...Array.from({ length: 12 }, (_, i) => i * 10)]);
const idx = parseIdx(bytes, { name: 'tiny' });
if (idx.dims.join('x') !== '2x2x3' || idx.data.length !== 12 || idx.data[11] !== 110)
  throw new Error('parseIdx');
try {
  parseIdx(bytes.subarray(0, bytes.length - 1), { name: 'tiny' });
  throw new Error('a truncated file parsed');
} catch (e) {
  if (!isSteadygradError(e, 'CORRUPT_DATA') || !/tiny/.test((e as Error).message)) throw e;
}
if (CLASS_NAMES.length !== 10) throw new Error('CLASS_NAMES');
const t = tf.tensor(idx.data, [2, 2, 3], 'int32');
if (tf.sum(t).dataSync()[0] !== 660) throw new Error('tensor from IDX data');
console.log('datasets: ok');
