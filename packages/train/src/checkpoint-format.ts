import { optionKeys, SteadygradError } from '@steadygrad/core';

// The checkpoint format shared by the file-system store (checkpoint-io.ts, Node) and the IndexedDB store
// (checkpoint-io-browser.ts): names, JSON encoding, the manifest, and every check of a generation's JSON that
// does not depend on where the bytes came from. Node-free; the checksums are computed by each store.

/** The `format` field of every `checkpoint.json`. */
export const CHECKPOINT_FORMAT = 'steadygrad.checkpoint';
/**
 * The version of the checkpoint format this package writes; reading refuses other versions (`INCOMPATIBLE`).
 */
export const CHECKPOINT_VERSION = 1;
/** A generation's name: `ckpt-` and eight digits. */
export const GENERATION = /^ckpt-(\d{8})$/;
/** The largest `checkpoint.json` read (its text), in bytes. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

/** The dtypes a checkpoint stores. */
export type CheckpointDtype = 'float32' | 'int32';

/** A tensor held on the host as a typed array with its dtype and shape (what a checkpoint stores). */
export interface HostTensor {
  /** The tensor's dtype. */
  readonly dtype: CheckpointDtype;
  /** The tensor's shape. */
  readonly shape: readonly number[];
  /** The values, row-major. */
  readonly data: Float32Array | Int32Array;
}

/** One tensor of a checkpoint's manifest: name, dtype, shape, and where its bytes are in `tensors.bin`. */
export interface ManifestEntry {
  /** The tensor's name (unique in the checkpoint). */
  readonly name: string;
  /** Its dtype. */
  readonly dtype: CheckpointDtype;
  /** Its shape. */
  readonly shape: readonly number[];
  /** Where its bytes start in `tensors.bin`. */
  readonly offset: number;
  /** How many bytes it takes (4 per element). */
  readonly byteLength: number;
}

/**
 * A checkpoint generation read back: where it was, its JSON metadata and its tensors (on the host).
 */
export interface CheckpointFile {
  /** The generation directory (or IndexedDB key prefix) that was read. */
  readonly path: string;
  /** The generation's number. */
  readonly generation: number;
  /** The caller's metadata, as written. */
  readonly meta: unknown;
  /** The tensors by name. */
  readonly tensors: ReadonlyMap<string, HostTensor>;
}

/** Options of `writeCheckpoint`: how many generations to keep. */
export interface WriteCheckpointOptions {
  /** Generations to keep (the new one included). Default 2. */
  readonly keep?: number;
  /**
   * Test hook: awaited after the new generation is complete (and, on disk, fsynced), before it is committed
   * (lets a test kill the process in the middle of a checkpoint write).
   */
  readonly beforeCommit?: () => void | Promise<void>;
}

/** The keys of {@link WriteCheckpointOptions}, checked by both stores (disk and IndexedDB). */
export const WRITE_CHECKPOINT_KEYS = optionKeys<WriteCheckpointOptions>()(['keep', 'beforeCommit']);

/** The name of generation `g` (`ckpt-00000012`). */
export function generationName(g: number): string {
  return `ckpt-${String(g).padStart(8, '0')}`;
}

/** JSON with ±Infinity and NaN kept (as `{ "$number": "Infinity" }`). */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v,
  );
}

/** Parses what {@link encodeJson} wrote (`{ "$number": "NaN" }` back to NaN). Never evaluates anything. */
export function decodeJson(text: string): unknown {
  return JSON.parse(text, (_k, v) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === '$number') {
        const s = (v as { $number: unknown }).$number;
        if (s === 'Infinity') return Number.POSITIVE_INFINITY;
        if (s === '-Infinity') return Number.NEGATIVE_INFINITY;
        if (s === 'NaN') return Number.NaN;
      }
    }
    return v;
  });
}

/** `CORRUPT_DATA` naming the checkpoint file and what is wrong with it. */
export function corrupt(file: string, what: string): SteadygradError {
  return new SteadygradError('CORRUPT_DATA', `checkpoint file ${file} is corrupt: ${what}`, {
    details: { file },
  });
}

/** The manifest of `tensors` (in their order, back to back) and their bytes as one buffer. */
export function packTensors(tensors: ReadonlyMap<string, HostTensor>): {
  manifest: ManifestEntry[];
  bin: Uint8Array<ArrayBuffer>;
} {
  const manifest: ManifestEntry[] = [];
  let total = 0;
  for (const [name, t] of tensors) {
    const byteLength = t.data.byteLength;
    manifest.push({ name, dtype: t.dtype, shape: [...t.shape], offset: total, byteLength });
    total += byteLength;
  }
  const bin = new Uint8Array(total);
  for (const entry of manifest) {
    const t = tensors.get(entry.name)!;
    bin.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), entry.offset);
  }
  return { manifest, bin };
}

/**
 * Parses a generation's `checkpoint.json` text and checks the object, its format and its version (the
 * checksum `metaSha256` is the caller's to check next, over everything but itself).
 */
export function parseCheckpointJson(text: string, jsonFile: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = decodeJson(text);
  } catch (e) {
    throw corrupt(jsonFile, `not valid JSON (truncated?): ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw corrupt(jsonFile, 'expected a JSON object');
  }
  const obj = parsed as Record<string, unknown>;
  if (obj.format !== CHECKPOINT_FORMAT) {
    throw corrupt(jsonFile, `format is ${JSON.stringify(obj.format)}, expected '${CHECKPOINT_FORMAT}'`);
  }
  if (obj.version !== CHECKPOINT_VERSION) {
    throw new SteadygradError(
      'INCOMPATIBLE',
      `checkpoint file ${jsonFile} has format version ${JSON.stringify(obj.version)}; this version of @steadygrad/train reads version ${CHECKPOINT_VERSION}`,
      { details: { file: jsonFile, version: obj.version } },
    );
  }
  return obj;
}

function isShape(s: unknown): s is number[] {
  return Array.isArray(s) && s.length <= 8 && s.every((d) => Number.isInteger(d) && d >= 0 && d <= 2 ** 31);
}

/**
 * Checks a checksummed `checkpoint.json` object against the generation it was read from (`name`) and its
 * manifest (dtypes, shapes, contiguous offsets, sizes, unique names); returns the manifest and the byte size
 * `tensors.bin` must have.
 */
export function checkGenerationBody(
  obj: Record<string, unknown>,
  jsonFile: string,
  name: string,
): { manifest: ManifestEntry[]; total: number } {
  if (obj.generation !== Number(GENERATION.exec(name)?.[1])) {
    throw corrupt(
      jsonFile,
      `generation ${JSON.stringify(obj.generation)} does not match its directory ${name}`,
    );
  }
  const raw = obj.tensors;
  if (!Array.isArray(raw)) throw corrupt(jsonFile, 'tensors must be an array');
  const manifest: ManifestEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (const [i, e] of raw.entries()) {
    const entry = e as Partial<ManifestEntry>;
    if (
      typeof entry !== 'object' ||
      entry === null ||
      typeof entry.name !== 'string' ||
      (entry.dtype !== 'float32' && entry.dtype !== 'int32') ||
      !isShape(entry.shape) ||
      entry.offset !== total ||
      !Number.isInteger(entry.byteLength)
    ) {
      throw corrupt(
        jsonFile,
        `tensor entry ${i} is malformed (expected { name, dtype: 'float32' | 'int32', shape, offset: ${total}, byteLength })`,
      );
    }
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (size * 4 !== entry.byteLength) {
      throw corrupt(
        jsonFile,
        `tensor '${entry.name}' of shape [${entry.shape}] needs ${size * 4} bytes, the manifest says ${entry.byteLength}`,
      );
    }
    if (seen.has(entry.name)) throw corrupt(jsonFile, `tensor '${entry.name}' appears twice`);
    seen.add(entry.name);
    manifest.push(entry as ManifestEntry);
    total += entry.byteLength!;
  }
  return { manifest, total };
}

/** The tensors of a checked manifest, each copied out of `bin` (which holds exactly the manifest's bytes). */
export function unpackTensors(manifest: readonly ManifestEntry[], bin: Uint8Array): Map<string, HostTensor> {
  const tensors = new Map<string, HostTensor>();
  for (const entry of manifest) {
    // A copy (a Node Buffer's slice would be a view of a shared pool).
    const copy = new Uint8Array(bin.subarray(entry.offset, entry.offset + entry.byteLength));
    const data = entry.dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data });
  }
  return tensors;
}
