// The Fashion-MNIST subset the web build serves (public/data, made by scripts/make-subset.mjs from the real
// files): fetched once per worker, gunzipped where the server left the gzip layer on, parsed as IDX.
import { SteadygradError } from '@steadygrad/core';
import {
  FASHION_MNIST_FILES,
  type FashionMnist,
  type FashionMnistFileRole,
  fashionMnistFromIdx,
  type IdxArray,
  isGzip,
  parseIdx,
} from '@steadygrad/datasets';

async function fetchIdx(base: string, role: FashionMnistFileRole): Promise<IdxArray> {
  const name = `${FASHION_MNIST_FILES[role]}.gz`;
  const url = new URL(name, base).href;
  const res = await fetch(url);
  if (!res.ok) {
    throw new SteadygradError(
      'NOT_FOUND',
      `${url}: HTTP ${res.status}; the Fashion-MNIST subset is missing: run \`pnpm --filter @steadygrad/demo make-subset\``,
    );
  }
  let bytes = new Uint8Array(await res.arrayBuffer());
  // A server may already have removed the gzip layer (Content-Encoding); decompress only real gzip.
  if (isGzip(bytes)) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return parseIdx(bytes, { name });
}

let cached: Promise<FashionMnist> | undefined;
/** The subset under `base` (a URL ending in `/`), loaded once per worker. */
export function loadSubset(base: string): Promise<FashionMnist> {
  cached ??= (async () => {
    const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
      fetchIdx(base, 'trainImages'),
      fetchIdx(base, 'trainLabels'),
      fetchIdx(base, 'testImages'),
      fetchIdx(base, 'testLabels'),
    ]);
    return fashionMnistFromIdx({ trainImages, trainLabels, testImages, testLabels });
  })();
  return cached;
}
