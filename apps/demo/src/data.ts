import { type FashionMnist, sliceSplit } from '@steadygrad/datasets';
import type { ExperimentContext } from './experiment.js';

/**
 * Fashion-MNIST as an experiment should use it: the whole dataset, or with a limit N (`--limit N`, or the
 * `limit` setting of the experiment's profile, given as `limit`) the first N training images and the first
 * max(1000, N/6) test images.
 */
export async function experimentData(
  ctx: ExperimentContext,
  limit: number | undefined = ctx.limit,
): Promise<FashionMnist> {
  const data = await ctx.loadFashionMnist();
  if (limit === undefined) return data;
  const trainCount = Math.min(limit, data.train.count);
  const testCount = Math.min(data.test.count, Math.max(1000, Math.ceil(trainCount / 6)));
  return { ...data, train: sliceSplit(data.train, 0, trainCount), test: sliceSplit(data.test, 0, testCount) };
}
