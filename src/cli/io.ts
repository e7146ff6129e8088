// The only place that touches files: read and write whole files with errors that name them. Reads refuse
// anything but a regular file of bounded size; writes go through a temporary file renamed into place.
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { InputDataError, UsageError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { readTflite } from '../import/tflite/index.js';

/** Largest file read as a model or tensor: far above any MCU model, small enough to never exhaust memory. */
export const MAX_READ_BYTES = 256 * 1024 * 1024;

function reasonOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a whole regular file of at most maxBytes. Opened non-blocking (a FIFO would block the open) and
 * checked on the open descriptor, so a device such as /dev/zero is refused before a byte is read.
 */
export function readBytes(path: string, what: string, maxBytes = MAX_READ_BYTES): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const reason = reasonOf(e);
    if (reason === 'ENOENT') throw new InputDataError(`no such file: ${path} (${what})`, { path, what, reason });
    throw new InputDataError(`cannot read ${what} ${path}: ${reason}`, { path, reason });
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw new InputDataError(`cannot read ${what} ${path}: ${kindOf(s)}, not a regular file`, { path, kind: kindOf(s) });
    if (s.size > maxBytes) {
      throw new InputDataError(`cannot read ${what} ${path}: ${s.size} bytes, over the ${maxBytes}-byte limit`, { path, bytes: s.size, limit: maxBytes });
    }
    // One byte more than stat said, to notice a file growing while it is read.
    const bytes = new Uint8Array(s.size + 1);
    let n = 0;
    for (let got = 1; got > 0 && n < bytes.length; n += got) got = readSync(fd, bytes, n, bytes.length - n, null);
    if (n > s.size) throw new InputDataError(`cannot read ${what} ${path}: it grew while being read (past ${s.size} bytes)`, { path, bytes: s.size });
    return bytes.slice(0, n);
  } catch (e) {
    if (e instanceof InputDataError) throw e;
    const reason = reasonOf(e);
    throw new InputDataError(`cannot read ${what} ${path}: ${reason}`, { path, reason });
  } finally {
    closeSync(fd);
  }
}

/** A JSON file the user named (at most 16 MiB); not JSON is E_USAGE naming it. */
export function readJson(path: string, what: string): unknown {
  const text = new TextDecoder().decode(readBytes(path, what, 16 * 1024 * 1024));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${path} is not JSON: ${(e as Error).message}`, { path });
  }
}

/**
 * Writes a whole file: into a temporary file beside it, then renamed over the target, so an interrupted
 * run leaves the previous file or the new one, never half of one. A symlink is written through.
 */
export function writeBytes(path: string, bytes: Uint8Array | string, what: string): void {
  let target = path;
  let existing: Stats | null = null;
  try {
    target = realpathSync(path);
    existing = statSync(target);
  } catch {
    // A new file (or a dangling link, which the rename replaces).
  }
  if (existing !== null && !existing.isFile() && !existing.isDirectory()) {
    // A device or FIFO (/dev/stdout, a pipe): written as a stream, there is nothing to replace.
    try {
      writeFileSync(target, bytes);
      return;
    } catch (e) {
      const reason = reasonOf(e);
      throw new InputDataError(`cannot write ${what} ${path}: ${reason}`, { path, reason });
    }
  }
  const mode = existing?.isFile() ? existing.mode & 0o7777 : undefined;
  const temp = join(dirname(target), `.${basename(target)}.tinyforge-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
  try {
    writeFileSync(temp, bytes, { flag: 'wx', ...(mode === undefined ? {} : { mode }) });
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    const reason = reasonOf(e);
    throw new InputDataError(`cannot write ${what} ${path}: ${reason}`, { path, reason });
  }
}

export interface NamedPath {
  path: string;
  /** What the file is, for the message: "model", "input 0", "HTML report", ... */
  what: string;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** The absolute path with every existing folder's symlinks resolved (the file itself may not exist yet). */
function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

/**
 * Refuses a run whose output would overwrite one of its inputs or another of its outputs: the same
 * resolved path, or (for existing files) the same device and inode, which covers symlinks and hard links.
 */
export function refuseOverwrite(outputs: readonly NamedPath[], inputs: readonly NamedPath[]): void {
  const seen = [...inputs];
  for (const out of outputs) {
    const outStat = statOrNull(out.path);
    // A device or FIFO (e.g. /dev/stdout twice) is a stream, not a file that could be overwritten.
    if (outStat !== null && !outStat.isFile() && !outStat.isDirectory()) continue;
    const outReal = realOrResolved(out.path);
    for (const other of seen) {
      const otherStat = statOrNull(other.path);
      const sameInode = outStat !== null && otherStat !== null && outStat.dev === otherStat.dev && outStat.ino === otherStat.ino;
      if (sameInode || outReal === realOrResolved(other.path)) {
        throw new UsageError(`${out.what} ${out.path} is the same file as ${other.what} ${other.path}: refusing to overwrite it`, {
          output: out.path,
          other: other.path,
        });
      }
    }
    seen.push(out);
  }
}

export function loadModel(path: string): Graph {
  return readTflite(readBytes(path, 'model file'));
}

/**
 * Creates a folder and its missing parents, one component at a time. Node's recursive mkdir can spin
 * forever on some special file systems (e.g. a path under /proc); this ends in a typed error instead.
 */
export function makeFolder(path: string, what: string): void {
  const parts = resolve(path).split(sep).filter(Boolean);
  let current: string = sep;
  for (const part of parts) {
    current = join(current, part);
    try {
      if (statSync(current).isDirectory()) continue;
      throw new InputDataError(`cannot create ${what} ${path}: ${current} is not a folder`, { path, at: current });
    } catch (e) {
      if (e instanceof InputDataError) throw e;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw folderError(path, what, e);
    }
    try {
      mkdirSync(current);
    } catch (e) {
      throw folderError(path, what, e);
    }
  }
}

function folderError(path: string, what: string, e: unknown): InputDataError {
  const reason = (e as NodeJS.ErrnoException).code ?? String(e);
  return new InputDataError(`cannot create ${what} ${path}: ${reason}`, { path, reason });
}
