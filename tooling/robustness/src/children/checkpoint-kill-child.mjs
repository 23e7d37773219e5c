// Child process of checkpoint-sigkill.test.ts (issue 20): a checkpoint writer to be SIGKILLed at a random
// moment. argv[2] is a JSON file of the states of one training run (each checkpoint the trainer wrote: its
// metadata and tensors). The child loads them, prints `ready`, waits for one line on stdin (the checkpoint
// folder), then writes those states there in order, again and again, as `fit({ checkpoint })` does: the
// folder proven writable (`prepareCheckpointDir`) at the start of each pass, then `writeCheckpoint` with the
// trainer's `keep` (2). Before each write commits it prints `commit <n>` (its n-th write; writes 1..n-1 are
// then complete). It imports only the module `@steadygrad/train` resolves `#checkpoint-io` to on Node (the
// very functions the trainer calls), not tfjs's backends, so that a child starts in a few tenths of a second.
import { readFileSync } from 'node:fs';

const { prepareCheckpointDir, writeCheckpoint } = await import(
  new URL('./checkpoint-io.js', import.meta.resolve('@steadygrad/train')).href
);

const special = {
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  NaN: Number.NaN,
};
const states = JSON.parse(readFileSync(process.argv[2], 'utf8'), (_k, v) =>
  typeof v === 'object' && v !== null && typeof v.$number === 'string' ? special[v.$number] : v,
).map(({ meta, tensors }) => ({
  meta,
  tensors: new Map(
    tensors.map(([name, dtype, shape, values]) => [
      name,
      { dtype, shape, data: dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values) },
    ]),
  ),
}));

// The parent closing stdin (or dying) ends this process: an orphan never goes on writing.
process.stdin.on('end', () => process.exit(0));
const dir = await new Promise((resolve) => {
  let input = '';
  process.stdin.on('data', (d) => {
    input += String(d);
    const i = input.indexOf('\n');
    if (i >= 0) resolve(input.slice(0, i));
  });
  process.stdout.write('ready\n');
});

let writes = 0;
const beforeCommit = () => {
  process.stdout.write(`commit ${++writes}\n`);
};
for (;;) {
  await prepareCheckpointDir(dir);
  for (const { meta, tensors } of states)
    await writeCheckpoint(dir, meta, tensors, { keep: 2, beforeCommit });
}
