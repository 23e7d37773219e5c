import { checkNumber, checkOptions, optionKeys, SteadygradError } from '@steadygrad/core';
import type { Model, Sequential } from '@steadygrad/nn';
import { checkLayersModelJson, checkMaxWeightBytes } from './check-layers-model.js';
import { fromLayersModel } from './from-layers-model.js';
import { MODEL_FILE } from './keras-format.js';
import {
  CONTENT_NAMED_WEIGHTS,
  contentNamedWeights,
  ioError,
  node,
  notFoundOrIo,
  previousWeightFiles,
  readWeightFiles,
  resolveInside,
  SAVE_TEMP_FILES,
} from './model-files-io.js';
import { toLayersModel } from './to-layers-model.js';

/** What {@link saveLayersModel} wrote. */
export interface SavedLayersModel {
  /** Absolute path of model.json. */
  readonly modelJsonPath: string;
  /** Absolute path of the weights file (`weights-<content hash>.bin`). */
  readonly weightsPath: string;
  /** Size of the weights file in bytes. */
  readonly weightBytes: number;
}

/**
 * Saves a built {@link Sequential} or functional {@link Model} as `dir/model.json` + `dir/weights-<hash>.bin`
 * in the tfjs-layers format, which `tf.loadLayersModel` (tfjs-layers) and the tensorflowjs converter (to
 * Keras) read: the weights file is named by its content (the first 16 hex digits of its SHA-256) and
 * model.json's weights manifest refers to it. Node only.
 *
 * Saving over an existing model is atomic for the pair: the new weights file is written beside the old one
 * (temporary file, fsync, rename), then model.json is replaced in one rename, and only then are the weight
 * files the old model.json referred to removed. Whenever the process stops — a crash, SIGKILL, a full disk —
 * `dir` holds the previous model or the new one, each complete. Temporary files left by an interrupted save
 * (of a process that no longer runs) are removed by the next one. One writer per folder at a time.
 * `dir` is created when missing; a `model.json` there that is not a regular file is refused.
 *
 * @throws SteadygradError `INCOMPATIBLE` naming the layer when something cannot be expressed (see
 *   {@link toLayersModel}), `NOT_BUILT` for an unbuilt model, `IO_ERROR` naming the file when writing fails.
 */
export async function saveLayersModel(model: Sequential | Model, dir: string): Promise<SavedLayersModel> {
  const { modelJson, weightData } = toLayersModel(model);
  const n = await node();
  const { fs, path, safe } = n;
  const root = path.resolve(dir);
  try {
    await fs.mkdir(root, { recursive: true });
  } catch (e) {
    throw ioError(`cannot create directory ${root}`, e, { dir: root });
  }
  const modelJsonPath = path.join(root, MODEL_FILE);
  const existing = await fs.lstat(modelJsonPath).catch(() => undefined);
  // A symbolic link is replaced by the rename like a file; a folder or a special file is refused up front.
  if (existing !== undefined && !existing.isFile() && !existing.isSymbolicLink()) {
    throw new SteadygradError(
      'IO_ERROR',
      `cannot write ${modelJsonPath}: it exists and is ${existing.isDirectory() ? 'a folder' : 'a special file (FIFO, device or socket)'}, not a regular file; nothing was written`,
      { details: { file: modelJsonPath } },
    );
  }
  for (const match of SAVE_TEMP_FILES) await safe.removeStaleTempFiles(root, { match });
  const bytes = new Uint8Array(weightData);
  const weightsName = contentNamedWeights(n, bytes);
  const weightsPath = path.join(root, weightsName);
  const previous = await previousWeightFiles(n, modelJsonPath, root);
  const manifest = modelJson.weightsManifest.map((g) => ({ ...g, paths: [weightsName] }));
  const json = { ...modelJson, weightsManifest: manifest };
  // 1. the new weights beside the old ones; 2. model.json switches to them in one rename; 3. old ones go.
  await safe.writeFileAtomic(weightsPath, bytes);
  await safe.writeFileAtomic(modelJsonPath, `${JSON.stringify(json, null, 2)}\n`);
  const stale = new Set(previous.filter((p) => p.endsWith('.bin')));
  for (const name of await fs.readdir(root).catch(() => [] as string[])) {
    // Content-named weights no model.json refers to: left by a save that stopped before its cleanup.
    if (CONTENT_NAMED_WEIGHTS.test(name)) stale.add(name);
  }
  stale.delete(weightsName);
  stale.delete(MODEL_FILE);
  for (const name of stale) await fs.rm(path.join(root, name), { force: true }).catch(() => undefined);
  return { modelJsonPath, weightsPath, weightBytes: bytes.byteLength };
}

/** Options of {@link loadLayersModel}. */
export interface LoadLayersModelOptions {
  /** The model file inside `dir` (default `model.json`). */
  readonly modelFile?: string;
  /** Refuse model.json files larger than this many bytes (default 64 MiB), counted while reading. */
  readonly maxJsonBytes?: number;
  /**
   * Refuse models whose weights manifest lists more than this many bytes (default 2 GiB), checked before any
   * weight file is read.
   */
  readonly maxWeightBytes?: number;
}

/** The keys {@link LoadLayersModelOptions} allows (the browser variant checks the same). */
const LOAD_KEYS = optionKeys<LoadLayersModelOptions>()(['modelFile', 'maxJsonBytes', 'maxWeightBytes']);

/**
 * Loads `dir/model.json` (tfjs-layers format, as written by {@link saveLayersModel}, by tfjs-layers'
 * `model.save` or by the tensorflowjs converter from Keras) and the weight files its manifest lists
 * (`weights.bin`, `weights-<hash>.bin`, tfjs shards — any names inside `dir`), and returns a built
 * steadygrad {@link Sequential} (or functional {@link Model}) with those weights. Node only.
 *
 * model.json and every weight file must be regular files: a FIFO, a device or a folder is `CORRUPT_DATA`
 * naming it (never a hang), and reads are bounded while reading. Weight paths must stay inside `dir`:
 * absolute paths, `..` segments, backslashes, URLs and symbolic links that resolve outside `dir` are refused
 * (`CORRUPT_DATA` naming the path). Before any weight file is read or any layer built, the whole model.json
 * is validated (see `checkLayersModelJson`: every parameter each layer declares matched by name and shape to
 * the manifest, nothing left over, the total within `maxWeightBytes`), then the weight files' sizes against
 * the manifest. Nothing is ever evaluated; on any error no model is returned and no tensor stays allocated.
 *
 * @throws SteadygradError `NOT_FOUND` (a missing file, named), `CORRUPT_DATA`, `SHAPE_MISMATCH`,
 *   `INCOMPATIBLE` (see {@link fromLayersModel}), `IO_ERROR`.
 */
export async function loadLayersModel(
  dir: string,
  options: LoadLayersModelOptions = {},
): Promise<Sequential | Model> {
  checkOptions('loadLayersModel', options, LOAD_KEYS);
  const { modelFile = MODEL_FILE, maxJsonBytes = 64 * 1024 * 1024 } = options ?? {};
  checkNumber('maxJsonBytes', maxJsonBytes, { min: 0, integer: true });
  const maxWeightBytes = checkMaxWeightBytes(options?.maxWeightBytes);
  const n = await node();
  const { fs, path, safe } = n;
  const root = path.resolve(dir);
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch (e) {
    throw notFoundOrIo(root, 'model directory', e);
  }
  const modelPath = await resolveInside(n, root, realRoot, modelFile, 'model file');
  let text: string;
  try {
    text = (
      await safe.readRegularFile(modelPath, { maxBytes: maxJsonBytes, within: realRoot, what: 'model.json' })
    ).toString('utf8');
  } catch (e) {
    if (e instanceof SteadygradError && e.details.reason === 'too-large') {
      throw new SteadygradError(
        'CORRUPT_DATA',
        `${modelPath}: larger than maxJsonBytes (${maxJsonBytes} bytes)`,
        { details: { file: modelPath, maxJsonBytes } },
      );
    }
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SteadygradError('CORRUPT_DATA', `${modelPath}: not valid JSON (${(e as Error).message})`, {
      details: { file: modelPath },
    });
  }
  // The whole file — every layer's declared sizes against the manifest — is checked before any weight file
  // is opened or anything is built.
  const parsed = checkLayersModelJson(json, { source: modelPath, maxWeightBytes });
  const files: string[] = [];
  for (const p of parsed.weightPaths)
    files.push(await resolveInside(n, root, realRoot, p, `weight file listed in ${modelPath}`));
  const data = await readWeightFiles(n, files, realRoot, parsed.weightBytes, modelPath);
  return fromLayersModel(json, data, { source: modelPath, weightFiles: files, maxWeightBytes });
}
