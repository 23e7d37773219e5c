// Child process of model-files-sigkill.test.ts: saves two models (seeds A and B, same architecture) into one
// folder over and over, alternating, until the parent kills it with SIGKILL at a random moment.
import { useBackend } from '@steadygrad/core';
import { saveLayersModel } from '@steadygrad/interop';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';

const [dir, seedA, seedB] = process.argv.slice(2);
await useBackend('cpu');
const make = (seed) => {
  const m = new Sequential(
    [
      new Flatten({ inputShape: [28, 28] }),
      new Dense({ units: 128, activation: 'relu' }),
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
