// @steadygrad/core/node: the Node-only file-safety helpers (bounded reads of regular files inside a folder,
// atomic writes, stale temporary files, writability checks) shared by train's checkpoints and interop's model
// files. Never re-exported from @steadygrad/core's main entry, which stays browser-safe.
export { fsyncDirectory, temporaryNameFor, writeFileAtomic, writeFileExclusive } from './atomic-write.js';
export { checkWritableDirectory } from './check-writable-directory.js';
export type { ReadRegularFileOptions } from './read-regular-file.js';
export { isInside, readRegularFile } from './read-regular-file.js';
export type { RemoveStaleTempFilesOptions } from './stale-temp-files.js';
export { isProcessAlive, removeStaleTempFiles } from './stale-temp-files.js';
