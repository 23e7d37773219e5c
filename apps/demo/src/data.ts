import { type FashionMnist, sliceSplit } from '@steadygrad/datasets';
import type { ExperimentContext } from './experiment.js';

/**
 * Fashion-MNIST as an experiment should use it: the whole dataset, or with `--limit N` the first N training
 * images and the first max(1000, N/6) test images.
 */
export async function experimentData(ctx: ExperimentContext): Promise<FashionMnist> {
  const data = await ctx.loadFashionMnist();
  if (ctx.limit === undefined) return data;
  const trainCount = Math.min(ctx.limit, data.train.count);
  const testCount = Math.min(data.test.count, Math.max(1000, Math.ceil(trainCount / 6)));
  return { ...data, train: sliceSplit(data.train, 0, trainCount), test: sliceSplit(data.test, 0, testCount) };
}
