// Reading dataset files: regular files only, sizes checked before reading, .gz inflated with a cap.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputDataError } from '../../errors.js';

/** Largest dataset file read or inflated (Fashion-MNIST's train images are 47 MB inflated). */
export const MAX_DATA_FILE_BYTES = 1024 * 1024 * 1024;

/** True when `path` is a regular file (following symlinks). */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Code-point order: the same on every machine and locale. */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A folder's entries, sorted by code point. */
export function listFolder(path: string): string[] {
  try {
    return readdirSync(path).sort(byCodePoint);
  } catch (e) {
    throw new InputDataError(`cannot list data folder ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { path });
  }
}

/** A whole data file; `.gz` files are inflated. Refuses non-regular files and anything over `limit` bytes. */
export function readDataFile(path: string, limit = MAX_DATA_FILE_BYTES): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new InputDataError(`data file ${path} is not a regular file`, { path });
    size = st.size;
  } catch (e) {
    if (e instanceof InputDataError) throw e;
    throw new InputDataError(`cannot read data file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { path });
  }
  if (size > limit) throw new InputDataError(`data file ${path} is ${size} bytes, over the ${limit}-byte limit`, { path, bytes: size, limit });
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new InputDataError(`cannot read data file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { path });
  }
  if (!path.endsWith('.gz')) return bytes;
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: limit }));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ERR_BUFFER_TOO_LARGE' ? `inflates to over the ${limit}-byte limit` : `is not valid gzip (${code ?? String(e)})`;
    throw new InputDataError(`data file ${path} ${why}`, { path, reason: code });
  }
}
