import { SteadygradError } from '@steadygrad/core';
import type { Model, Sequential } from '@steadygrad/nn';
import { checkLayersModelJson, DEFAULT_MAX_WEIGHT_BYTES } from './check-layers-model.js';
import { fromLayersModel } from './from-layers-model.js';
import { MODEL_FILE, WEIGHTS_FILE } from './keras-format.js';
import { toLayersModel } from './to-layers-model.js';

// Node's fs and path are imported lazily so that importing this package stays browser-safe.
async function node() {
  const [fs, path, crypto] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('node:crypto'),
  ]);
  return { fs, path, crypto };
}

function ioError(message: string, cause: unknown, details: Record<string, unknown>): SteadygradError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new SteadygradError('IO_ERROR', `${message}: ${why}`, { details });
}

/** What {@link saveLayersModel} wrote. */
export interface SavedLayersModel {
  /** Absolute path of model.json. */
  readonly modelJsonPath: string;
  /** Absolute path of weights.bin. */
  readonly weightsPath: string;
  /** Size of weights.bin in bytes. */
  readonly weightBytes: number;
}

/**
 * Saves a built {@link Sequential} or functional {@link Model} as `dir/model.json` + `dir/weights.bin` in the tfjs-layers format, which
 * `tf.loadLayersModel` (tfjs-layers) and the tensorflowjs converter (to Keras) read. Node only.
 *
 * Each file is written atomically: to a temporary file in `dir`, then renamed over the target, so a reader
 * never sees a half-written file. weights.bin is written before the model.json that refers to it.
 * `dir` is created when missing.
 *
 * @throws SteadygradError `INCOMPATIBLE` naming the layer when something cannot be expressed (see
 *   {@link toLayersModel}), `NOT_BUILT` for an unbuilt model, `IO_ERROR` naming the file when writing fails.
 */
export async function saveLayersModel(model: Sequential | Model, dir: string): Promise<SavedLayersModel> {
  const { modelJson, weightData } = toLayersModel(model);
  const { fs, path, crypto } = await node();
  const root = path.resolve(dir);
  try {
    await fs.mkdir(root, { recursive: true });
  } catch (e) {
    throw ioError(`cannot create directory ${root}`, e, { dir: root });
  }
  const writeAtomic = async (name: string, data: string | Uint8Array) => {
    const target = path.join(root, name);
    const tmp = path.join(root, `.${name}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(tmp, data, { flag: 'wx' });
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw ioError(`cannot write ${target}`, e, { file: target });
    }
    return target;
  };
  const weightsPath = await writeAtomic(WEIGHTS_FILE, new Uint8Array(weightData));
  const modelJsonPath = await writeAtomic(MODEL_FILE, `${JSON.stringify(modelJson, null, 2)}\n`);
  return { modelJsonPath, weightsPath, weightBytes: weightData.byteLength };
}

/** Options of {@link loadLayersModel}. */
export interface LoadLayersModelOptions {
  /** The model file inside `dir` (default `model.json`). */
  readonly modelFile?: string;
  /** Refuse model.json files larger than this many bytes (default 64 MiB). */
  readonly maxJsonBytes?: number;
  /**
   * Refuse models whose weights manifest lists more than this many bytes (default 2 GiB), checked before any
   * weight file is read.
   */
  readonly maxWeightBytes?: number;
}

/**
 * Loads `dir/model.json` (tfjs-layers format, as written by {@link saveLayersModel}, by tfjs-layers'
 * `model.save` or by the tensorflowjs converter from Keras) and the weight files its manifest lists, and
 * returns a built steadygrad {@link Sequential} (or functional {@link Model}) with those weights. Node only.
 *
 * Weight paths must stay inside `dir`: absolute paths, `..` segments, backslashes, URLs and symbolic links
 * that resolve outside `dir` are refused (`CORRUPT_DATA` naming the path). Before any weight file is read
 * or any layer built, the whole model.json is validated (see `checkLayersModelJson`: every parameter each
 * layer declares matched by name and shape to the manifest, nothing left over, the total within
 * `maxWeightBytes`), then the weight files' sizes against the manifest. Nothing is ever evaluated; on any error no model is returned and no
 * tensor stays allocated.
 *
 * @throws SteadygradError `NOT_FOUND` (a missing file, named), `CORRUPT_DATA`, `SHAPE_MISMATCH`,
 *   `INCOMPATIBLE` (see {@link fromLayersModel}), `IO_ERROR`.
 */
export async function loadLayersModel(
  dir: string,
  options: LoadLayersModelOptions = {},
): Promise<Sequential | Model> {
  const {
    modelFile = MODEL_FILE,
    maxJsonBytes = 64 * 1024 * 1024,
    maxWeightBytes = DEFAULT_MAX_WEIGHT_BYTES,
  } = options;
  const { fs, path } = await node();
  const root = path.resolve(dir);
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch (e) {
    throw notFoundOrIo(root, 'model directory', e);
  }
  const modelPath = await resolveInside(fs, path, root, realRoot, modelFile, 'model file');
  const stat = await fs.stat(modelPath).catch((e: unknown) => {
    throw notFoundOrIo(modelPath, 'model.json', e);
  });
  if (stat.size > maxJsonBytes) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `${modelPath}: ${stat.size} bytes is larger than maxJsonBytes (${maxJsonBytes})`,
      {
        details: { file: modelPath, bytes: stat.size, maxJsonBytes },
      },
    );
  }
  const text = await fs.readFile(modelPath, 'utf8');
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
    files.push(await resolveInside(fs, path, root, realRoot, p, `weight file listed in ${modelPath}`));
  // Sizes first (from stat), so a manifest that lies about sizes never makes us read or allocate much.
  let total = 0;
  for (const f of files) {
    const s = await fs.stat(f).catch((e: unknown) => {
      throw notFoundOrIo(f, `weight file listed in ${modelPath}`, e);
    });
    total += s.size;
  }
  if (total !== parsed.weightBytes) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `${files.join(' + ') || 'no weight files'}: ${total} bytes, but ${modelPath} lists ${parsed.weightBytes} bytes of float32 weights`,
      { details: { files, expectedBytes: parsed.weightBytes, actualBytes: total } },
    );
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (const f of files) {
    const chunk = await fs.readFile(f);
    data.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return fromLayersModel(json, data, { source: modelPath, weightFiles: files, maxWeightBytes });
}

function notFoundOrIo(file: string, what: string, e: unknown): SteadygradError {
  if ((e as { code?: string }).code === 'ENOENT') {
    return new SteadygradError('NOT_FOUND', `${what} ${file} does not exist`, { details: { file } });
  }
  return ioError(`cannot read ${what} ${file}`, e, { file });
}

type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');

/** Resolves a manifest path inside `root`, refusing anything that could leave it. */
async function resolveInside(
  fs: Fs,
  path: Path,
  root: string,
  realRoot: string,
  rel: string,
  what: string,
): Promise<string> {
  const refuse = (why: string) =>
    new SteadygradError(
      'CORRUPT_DATA',
      `${what} '${rel}' ${why}; paths must be plain relative paths inside ${root}`,
      {
        details: { path: rel, dir: root },
      },
    );
  if (typeof rel !== 'string' || rel.length === 0) throw refuse('is empty');
  if (rel.includes('\\') || rel.includes('\0')) throw refuse('contains a backslash or NUL');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(rel)) throw refuse('is a URL or drive path');
  if (path.isAbsolute(rel) || rel.startsWith('/')) throw refuse('is absolute');
  if (rel.split('/').some((seg) => seg === '..')) throw refuse("escapes the model directory with '..'");
  const full = path.resolve(root, rel);
  if (!full.startsWith(root + path.sep)) throw refuse('escapes the model directory');
  let real: string;
  try {
    real = await fs.realpath(full);
  } catch (e) {
    throw notFoundOrIo(full, what, e);
  }
  if (!real.startsWith(realRoot + path.sep))
    throw refuse('resolves (through a symbolic link) outside the model directory');
  return full;
}
