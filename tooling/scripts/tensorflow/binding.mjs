// Where the workspace's tfjs-node (or tfjs-node-gpu) is and whether its native binding is built.
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The package's folder (its real path: in pnpm's virtual store), or undefined when it is not installed. */
export function packageDir(root, name) {
  try {
    return dirname(realpathSync(createRequire(join(root, 'package.json')).resolve(`${name}/package.json`)));
  } catch {
    return undefined;
  }
}

/** True when `dir` (a tfjs-node package folder) holds a built `lib/napi-v*\/tfjs_binding.node`. */
export function bindingBuilt(dir) {
  const lib = join(dir, 'lib');
  return existsSync(lib) && readdirSync(lib).some((d) => existsSync(join(lib, d, 'tfjs_binding.node')));
}

/** True when the workspace root resolves `name` and its binding is built: the tensorflow backend can load. */
export function tensorflowInstalled(root, name = '@tensorflow/tfjs-node') {
  const dir = packageDir(root, name);
  return dir !== undefined && bindingBuilt(dir);
}
