// Stages a local TensorFlow C library where tfjs-node's binding.gyp expects it: `<package>/deps/lib` (the shared
// libraries, with the `-ltensorflow` / `-ltensorflow_framework` link names) and `<package>/deps/include` (the C API
// headers). Two sources:
//   - a TensorFlow Python wheel (`tensorflow-cpu` or `tensorflow`, Linux x86_64/aarch64): `libtensorflow_cc.so.2`,
//     `libtensorflow_framework.so.2` and the C API headers it ships under `tensorflow/include`;
//   - an unpacked libtensorflow archive (`lib/libtensorflow*.so*`, `include/tensorflow/c/...`), e.g. the official
//     `libtensorflow-{cpu,gpu}-linux-x86_64-2.x.y.tar.gz`, or one built with Bazel.
// The libraries keep their file names (the binding finds them by SONAME through its rpath `$ORIGIN/../../deps/lib`).
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** The libtensorflow version tfjs-node 4.22.0's install script downloads; a file of this name makes it skip that. */
export const TFJS_NODE_LIBTENSORFLOW_MARKER = 'libtensorflow.so.2.9.1';

// Members of the wheel that the binding needs: the two libraries and the C API headers (tensorflow/c/**, which
// include the tstring headers of tensorflow/core/platform and tsl/platform and xla's tsl_status).
const WHEEL_EXTRACT = `
import sys, zipfile, os, shutil
wheel, dest = sys.argv[1], sys.argv[2]
prefixes = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/tensorflow/core/platform/ctstring',
            'tensorflow/include/tsl/platform/ctstring', 'tensorflow/include/xla/tsl/c/')
libs = {'tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'}
found = set()
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if name.endswith('/'):
            continue
        if name in libs:
            target = os.path.join(dest, 'lib', os.path.basename(name)); found.add(name)
        elif name.startswith(prefixes):
            target = os.path.join(dest, 'include', name[len('tensorflow/include/'):])
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, 'wb') as out:
            shutil.copyfileobj(src, out, 1 << 22)
missing = libs - found
if missing:
    sys.exit('not a Linux TensorFlow wheel with the C library: missing ' + ', '.join(sorted(missing)))
`;

/**
 * Writes `<packageDir>/deps` from `source` (`{ wheel: file }` or `{ libtensorflow: dir }`), replacing what was
 * there only once the new tree is complete (staged in a sibling folder, then renamed).
 * @returns {{ libraries: string[], depsDir: string }}
 */
export function stageTensorFlow(packageDir, source, { python = 'python3' } = {}) {
  const depsDir = join(packageDir, 'deps');
  const staging = join(packageDir, `deps.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'lib'), { recursive: true });
  try {
    if (source.wheel !== undefined) {
      const r = spawnSync(python, ['-c', WHEEL_EXTRACT, source.wheel, staging], { encoding: 'utf8' });
      if (r.error !== undefined)
        throw new Error(`cannot run ${python} to unpack the wheel: ${r.error.message}`);
      if (r.status !== 0) throw new Error(`unpacking ${source.wheel} failed: ${r.stderr.trim()}`);
      link(staging, 'libtensorflow.so', 'libtensorflow_cc.so.2');
      link(staging, 'libtensorflow_framework.so', 'libtensorflow_framework.so.2');
    } else {
      stageLibtensorflowDir(source.libtensorflow, staging);
    }
    link(staging, TFJS_NODE_LIBTENSORFLOW_MARKER, 'libtensorflow.so');
    writeFileSync(
      join(staging, 'STEADYGRAD-SOURCE.txt'),
      `staged by steadygrad's setup:tensorflow from ${source.wheel ?? source.libtensorflow}\n` +
        `${TFJS_NODE_LIBTENSORFLOW_MARKER} is a marker that makes tfjs-node's install script skip its download.\n`,
    );
    rmSync(depsDir, { recursive: true, force: true });
    renameSync(staging, depsDir);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return { depsDir, libraries: readdirSync(join(depsDir, 'lib')).sort() };
}

function link(staging, name, target) {
  const path = join(staging, 'lib', name);
  if (!existsSync(path)) symlinkSync(target, path);
}

function stageLibtensorflowDir(dir, staging) {
  const libDir = join(dir, 'lib');
  const includeDir = join(dir, 'include', 'tensorflow', 'c');
  if (!existsSync(libDir) || !existsSync(includeDir)) {
    throw new Error(
      `--libtensorflow ${dir}: expected an unpacked libtensorflow (lib/libtensorflow*.so* and include/tensorflow/c/)`,
    );
  }
  const libs = readdirSync(libDir).filter((f) => /^libtensorflow(_framework|_cc)?\.so/.test(f));
  if (!libs.some((f) => f.startsWith('libtensorflow.so') || f.startsWith('libtensorflow_cc.so'))) {
    throw new Error(`--libtensorflow ${dir}: lib/ holds no libtensorflow.so* or libtensorflow_cc.so*`);
  }
  // Regular files and symbolic links alike become regular files under their own names (the SONAMEs included).
  for (const f of libs) cpSync(join(libDir, f), join(staging, 'lib', f), { dereference: true });
  cpSync(join(dir, 'include'), join(staging, 'include'), { recursive: true, dereference: true });
  const names = readdirSync(join(staging, 'lib'));
  const pick = (base) =>
    names.filter((f) => f.startsWith(`${base}.so.`)).sort((a, b) => a.length - b.length)[0];
  if (!names.includes('libtensorflow.so')) {
    const target = pick('libtensorflow') ?? pick('libtensorflow_cc');
    if (target !== undefined) link(staging, 'libtensorflow.so', target);
  }
  if (!names.includes('libtensorflow_framework.so')) {
    const target = pick('libtensorflow_framework');
    if (target === undefined)
      throw new Error(`--libtensorflow ${dir}: lib/ holds no libtensorflow_framework.so*`);
    link(staging, 'libtensorflow_framework.so', target);
  }
}

/** Size in MB of the staged libraries (what the setup step reports). */
export function librariesMegabytes(depsDir) {
  let bytes = 0;
  for (const f of readdirSync(join(depsDir, 'lib'))) bytes += lstatSync(join(depsDir, 'lib', f)).size;
  return Math.round(bytes / 1e6);
}
