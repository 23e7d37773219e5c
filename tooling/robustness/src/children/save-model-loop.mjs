// Child process of model-files-sigkill.test.ts: saves two models (seeds A and B) into one
// folder over and over, alternating, until the parent kills it with SIGKILL at a random moment. The models
// differ in size (128 or 64 hidden units), as in the parent.
import { useBackend } from '@steadygrad/core';
import { saveLayersModel } from '@steadygrad/interop';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';

const [dir, seedA, seedB] = process.argv.slice(2);
// The parent closing stdin (or dying) ends this process: an orphan never goes on saving.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
await useBackend('cpu');
const make = (seed) => {
  const m = new Sequential(
    [
      new Flatten({ inputShape: [28, 28] }),
      new Dense({ units: seed === seedA ? 128 : 64, activation: 'relu' }),
      new Dense({ units: 10 }),
    ],
    { seed: Number(seed) },
  );
  m.build();
  return m;
};
const models = [make(seedB), make(seedA)];
process.stdout.write('saving\n');
for (let i = 0; ; i++) await saveLayersModel(models[i % 2], dir);
