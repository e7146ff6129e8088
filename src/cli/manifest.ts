// The list of files `compile` wrote into an output folder, with their content hashes, kept there as
// .tinyforge-manifest.json. The next compile into the folder removes the files the previous one wrote
// that it does not write again (a kernel the new model does not use), never a file it did not write
// and never one changed since.
import { createHash } from 'node:crypto';
import { lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readBytes, writeBytes } from './io.js';

export const MANIFEST_FILE = '.tinyforge-manifest.json';

interface Manifest {
  tool: 'tinyforge';
  files: Record<string, string>;
}

const sha256 = (contents: Uint8Array | string) => createHash('sha256').update(contents).digest('hex');

/** A file in the folder or a sub-folder of it (--package writes src/, examples/...): plain segments, so a manifest naming ../x or /x is not ours to act on. */
const plainName = (name: string) => name.split('/').every((s) => /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(s)) && name !== MANIFEST_FILE;

/** The previous manifest's files, or none when it is missing, unreadable or not one we wrote. */
function previousFiles(dir: string): Record<string, string> {
  try {
    const m = JSON.parse(new TextDecoder().decode(readBytes(join(dir, MANIFEST_FILE), 'manifest', 1 << 20))) as Partial<Manifest>;
    if (m.tool !== 'tinyforge' || typeof m.files !== 'object' || m.files === null) return {};
    return Object.fromEntries(Object.entries(m.files).filter(([name, hash]) => plainName(name) && typeof hash === 'string'));
  } catch {
    return {};
  }
}

export interface StaleCleanup {
  /** Files of the previous compile removed because this one did not write them. */
  removed: string[];
  /** Files of the previous compile left in place because their contents changed since. */
  kept: string[];
}

/**
 * Call after writing `files` into `dir`: removes the previous compile's files not written this time whose
 * contents are still what it wrote, then records this compile's files.
 */
export function updateManifest(dir: string, files: ReadonlyArray<{ path: string; contents: Uint8Array | string }>): StaleCleanup {
  const previous = previousFiles(dir);
  const current: Record<string, string> = Object.fromEntries(files.map((f) => [f.path, sha256(f.contents)]));
  const result: StaleCleanup = { removed: [], kept: [] };
  for (const [name, hash] of Object.entries(previous)) {
    if (name in current) continue;
    const path = join(dir, name);
    try {
      if (!lstatSync(path).isFile()) continue;
    } catch {
      continue; // already gone
    }
    let same = false;
    try {
      same = sha256(readBytes(path, 'previous output')) === hash;
    } catch {
      // Unreadable: not ours to remove.
    }
    if (!same) {
      result.kept.push(name);
      continue;
    }
    rmSync(path, { force: true });
    result.removed.push(name);
  }
  const manifest: Manifest = { tool: 'tinyforge', files: current };
  writeBytes(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n', 'manifest');
  return result;
}
