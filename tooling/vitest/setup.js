// Tests run on the deterministic cpu backend unless a test picks another one itself. `npm test` runs the suite a
// second time with STEADYGRAD_TEST_BACKEND=tensorflow (where `pnpm setup:tensorflow` built tfjs-node's binding):
// then tfjs-node, resolved from the workspace root, provides the `tensorflow` backend. Tests that differ on a
// backend say so by name (`tf.getBackend() === 'tensorflow'`, with the reason).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

const backend = process.env.STEADYGRAD_TEST_BACKEND ?? 'cpu';
if (backend === 'tensorflow') {
  // A variable: tfjs-node is a root devDependency, not one of this package's.
  const tfjsNode = '@tensorflow/tfjs-node';
  await import(tfjsNode);
} else if (backend !== 'cpu') {
  throw new Error(`STEADYGRAD_TEST_BACKEND must be cpu or tensorflow, got '${backend}'`);
}
await tf.setBackend(backend);
await tf.ready();
