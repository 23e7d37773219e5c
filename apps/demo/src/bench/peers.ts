// Which peers this machine can run: tfjs-node's native binding (the tensorflow rows) and a Python with torch.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Python the bench runs its PyTorch and Keras peers with, unless `--python` names one:
 * `$STEADYGRAD_BENCH_PYTHON`, else the venv `pnpm bench:peers` makes (`<repoRoot>/.venv-peers`) when it exists,
 * else `/usr/bin/python3` (Debian's, which has no PyTorch 2 or Keras 3: each peer is then skipped, saying why).
 */
export function peerPython(
  repoRoot: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const named = env.STEADYGRAD_BENCH_PYTHON;
  if (named !== undefined && named !== '') return named;
  const venv = join(
    repoRoot,
    '.venv-peers',
    process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python',
  );
  return existsSync(venv) ? venv : '/usr/bin/python3';
}

/** Whether tfjs-node's native binding is built (by `pnpm setup:tensorflow`), so the tensorflow rows can run. */
export function tensorflowAvailable(): { ok: boolean; why: string } {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-node/package.json'));
  } catch {
    return { ok: false, why: '@tensorflow/tfjs-node is not installed' };
  }
  const lib = join(dir, 'lib');
  const built =
    existsSync(lib) && readdirSync(lib).some((d) => existsSync(join(lib, d, 'tfjs_binding.node')));
  return built
    ? { ok: true, why: '@tensorflow/tfjs-node' }
    : { ok: false, why: 'tfjs-node has no binding (run `pnpm setup:tensorflow`)' };
}

/** Whether `python` imports torch (the PyTorch peer), and its version. */
export function torchAvailable(python: string): { ok: boolean; why: string } {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
  });
  if (r.error !== undefined) return { ok: false, why: `python3 not runnable (${r.error.message})` };
  if (r.status !== 0)
    return { ok: false, why: `python3 has no torch (${r.stderr.trim().split('\n').pop()})` };
  return { ok: true, why: `torch ${r.stdout.trim()}` };
}

/** Whether `python` imports Keras 3 with TensorFlow (the Keras peer), and their versions. */
export function kerasAvailable(python: string): { ok: boolean; why: string } {
  const r = spawnSync(
    python,
    [
      '-c',
      'import keras, tensorflow as tf; print(f"keras {keras.__version__}, tensorflow {tf.__version__}")',
    ],
    { encoding: 'utf8', env: { ...process.env, KERAS_BACKEND: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '3' } },
  );
  if (r.error !== undefined) return { ok: false, why: `python3 not runnable (${r.error.message})` };
  if (r.status !== 0)
    return { ok: false, why: `python3 has no keras/tensorflow (${r.stderr.trim().split('\n').pop()})` };
  const out = r.stdout.trim().split('\n').pop() ?? '';
  if (!/^keras 3\./.test(out)) return { ok: false, why: `${out}: not Keras 3` };
  return { ok: true, why: out };
}
