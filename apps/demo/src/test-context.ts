import { tf } from '@steadygrad/core';
import { loadFashionMnist } from '@steadygrad/datasets';
import type { ExperimentContext } from './experiment.js';

/**
 * The context the experiment tests run with: the current (cpu) backend, quiet, the real Fashion-MNIST, the
 * `quick` profile; each test passes its own sizes (`limit`, `epochs`, `seeds`, ...) as overrides.
 */
export function testContext(overrides: Partial<ExperimentContext> = {}): ExperimentContext {
  return {
    backend: tf.getBackend(),
    requestedBackend: 'cpu',
    profile: 'quick',
    epochs: undefined,
    batchSize: undefined,
    seed: 42,
    limit: undefined,
    seeds: undefined,
    log: () => {},
    verbose: 0,
    loadFashionMnist: () => loadFashionMnist(),
    ...overrides,
  };
}
