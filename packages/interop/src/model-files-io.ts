// Node-only helpers of layers-model-files.ts: resolving manifest paths inside the model folder, reading
// the weight files as regular files of known sizes, and the content-named weight files of saveLayersModel.
// Node's modules are imported lazily (inside functions) so that importing this package stays browser-safe.
import { SteadygradError } from '@steadygrad/core';

/** Node's fs, path and crypto, and core's file-safety helpers, loaded on first use. */
export async function node() {
  const [fs, path, crypto, safe] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('node:crypto'),
    import('@steadygrad/core/node'),
  ]);
  return { fs, path, crypto, safe };
}

type Node = Awaited<ReturnType<typeof node>>;

export function ioError(message: string, cause: unknown, details: Record<string, unknown>): SteadygradError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new SteadygradError('IO_ERROR', `${message}: ${why}`, { details, cause });
}

export function notFoundOrIo(file: string, what: string, e: unknown): SteadygradError {
  if ((e as { code?: string }).code === 'ENOENT') {
    return new SteadygradError('NOT_FOUND', `${what} ${file} does not exist`, { details: { file } });
  }
  return ioError(`cannot read ${what} ${file}`, e, { file });
}

/**
 * The name saveLayersModel gives a weights file: `weights-<first 16 hex digits of its SHA-256>.bin`. Two
 * different weight sets never share a name, so a new model's weights can be written beside the old ones
 * and the switch is the one rename of model.json.
 */
export const CONTENT_NAMED_WEIGHTS = /^weights-[0-9a-f]{16}\.bin$/;

export function contentNamedWeights({ crypto }: Node, data: Uint8Array): string {
  return `weights-${crypto.createHash('sha256').update(data).digest('hex').slice(0, 16)}.bin`;
}

/**
 * Temporary files of an interrupted save, the id of the writing process first: core's
 * `.<name>.tmp-<pid>-<hex>`, and the `.<name>.<pid>.<hex>.tmp` of earlier versions.
 */
export const SAVE_TEMP_FILES: readonly RegExp[] = [
  /^\.(?:model\.json|weights(?:-[0-9a-f]{16})?\.bin)\.tmp-(\d+)-[0-9a-f]+$/,
  /^\.(?:model\.json|weights\.bin)\.(\d+)\.[0-9a-f]{12}\.tmp$/,
];

/** Resolves a manifest path inside `root`, refusing anything that could leave it. */
export async function resolveInside(
  { fs, path, safe }: Node,
  root: string,
  realRoot: string,
  rel: string,
  what: string,
): Promise<string> {
  const refuse = (why: string) =>
    new SteadygradError(
      'CORRUPT_DATA',
      `${what} '${rel}' ${why}; paths must be plain relative paths inside ${root}`,
      { details: { path: rel, dir: root } },
    );
  if (typeof rel !== 'string' || rel.length === 0) throw refuse('is empty');
  if (rel.includes('\\') || rel.includes('\0')) throw refuse('contains a backslash or NUL');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(rel)) throw refuse('is a URL or drive path');
  if (path.isAbsolute(rel) || rel.startsWith('/')) throw refuse('is absolute');
  if (rel.split('/').some((seg) => seg === '..')) throw refuse("escapes the model directory with '..'");
  const full = path.resolve(root, rel);
  if (!safe.isInside(root, full)) throw refuse('escapes the model directory');
  let real: string;
  try {
    real = await fs.realpath(full);
  } catch (e) {
    throw notFoundOrIo(full, what, e);
  }
  if (!safe.isInside(realRoot, real))
    throw refuse('resolves (through a symbolic link) outside the model directory');
  return full;
}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads the weight files (already resolved inside `realRoot`) whose sizes must add up to `expectedBytes`:
 * each must be a regular file (a FIFO, device or folder is `CORRUPT_DATA` naming it, never a hang), the
 * sizes are compared with the manifest before anything is read, and each read is bounded by its size.
 */
export async function readWeightFiles(
  n: Node,
  files: readonly string[],
  realRoot: string,
  expectedBytes: number,
  source: string,
): Promise<Uint8Array> {
  const { fs, safe } = n;
  const what = `weight file listed in ${source}`;
  const sizes: number[] = [];
  for (const f of files) {
    const s = await fs.stat(f).catch((e: unknown) => {
      throw notFoundOrIo(f, what, e);
    });
    if (!s.isFile()) {
      throw new SteadygradError('CORRUPT_DATA', `${what} ${f} is ${kindOf(s)}, not a regular file`, {
        details: { file: f, reason: 'not-regular' },
      });
    }
    sizes.push(s.size);
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== expectedBytes) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `${files.join(' + ') || 'no weight files'}: ${total} bytes, but ${source} lists ${expectedBytes} bytes of float32 weights`,
      { details: { files, expectedBytes, actualBytes: total } },
    );
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (const [i, f] of files.entries()) {
    const chunk = await safe.readRegularFile(f, { maxBytes: sizes[i] as number, within: realRoot, what });
    if (chunk.byteLength !== sizes[i]) {
      throw new SteadygradError(
        'CORRUPT_DATA',
        `${what} ${f} changed size while being read (${sizes[i]} → ${chunk.byteLength} bytes)`,
        { details: { file: f } },
      );
    }
    data.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return data;
}

/**
 * The weight files the model.json now in `root` refers to (plain names inside `root` only), so that a save
 * can remove them once its own model.json has replaced that one. A missing, damaged or foreign model.json
 * gives none: this never throws.
 */
export async function previousWeightFiles(n: Node, modelPath: string, root: string): Promise<string[]> {
  try {
    const text = await n.safe.readRegularFile(modelPath, { maxBytes: 64 * 1024 * 1024, within: root });
    const json = JSON.parse(text.toString('utf8')) as { weightsManifest?: { paths?: unknown }[] };
    const paths = (json.weightsManifest ?? []).flatMap((g) => (Array.isArray(g?.paths) ? g.paths : []));
    return paths.filter(
      (p): p is string => typeof p === 'string' && /^[^/\\\0]+$/.test(p) && p !== '.' && p !== '..',
    );
  } catch {
    return [];
  }
}
