// A per-user cache folder under the system temp folder that other local users cannot write: created
// 0700, its owner and mode checked before every use, and each entry's files compared with the content
// hashes recorded when we wrote them. Anything else is not trusted (the caller rebuilds or builds uncached).
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** The list of an entry's files and their hashes, written last into the entry. */
export const ENTRY_HASHES = 'sha256sums.json';

/** Owned by us, not a symlink, no access for group or others on the folder, no write access on files. */
function privateTo(path: string, uid: number, folder: boolean): boolean {
  const s = lstatSync(path);
  if (s.uid !== uid || (folder ? !s.isDirectory() : !s.isFile())) return false;
  return (s.mode & (folder ? 0o077 : 0o022)) === 0;
}

/** `$TMPDIR/<name>-<uid>`, created 0700; null when it exists and is not a folder private to us (or there is no uid). */
export function privateCacheRoot(name: string): string | null {
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  const root = join(tmpdir(), `${name}-${uid}`);
  try {
    mkdirSync(root, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return null;
  }
  try {
    return privateTo(root, uid, true) ? root : null;
  } catch {
    return null;
  }
}

/**
 * True when the entry folder is private to us and holds exactly the files its hash list names, each
 * with the recorded hash (an extra file could be a planted header found first on the include path).
 */
export function verifiedEntry(dir: string): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return false;
  try {
    if (!privateTo(dir, uid, true) || !privateTo(join(dir, ENTRY_HASHES), uid, false)) return false;
    const hashes = JSON.parse(readFileSync(join(dir, ENTRY_HASHES), 'utf8')) as Record<string, string>;
    const names = readdirSync(dir).filter((f) => f !== ENTRY_HASHES).sort();
    if (names.join('/') !== Object.keys(hashes).sort().join('/')) return false;
    return names.every((f) => privateTo(join(dir, f), uid, false) && sha256(readFileSync(join(dir, f))) === hashes[f]);
  } catch {
    return false;
  }
}

/** Removes an entry that failed verification, when it is ours to remove. */
export function discardEntry(dir: string): void {
  try {
    if (lstatSync(dir).uid === process.getuid?.()) rmSync(dir, { recursive: true, force: true });
  } catch {
    // Gone already.
  }
}
