// The host C engine's compiled kernel library cache: a per-user 0700 folder whose entries are verified
// against the hashes of what was written; a planted or tampered folder is never used.
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { haveTool, kernelArchive, kernelLibraryFiles, type CToolchain } from '../../src/cli/c-toolchain.js';

// -O0 and no warnings flags: the cache logic is what is under test, so keep each library build quick.
const tc: CToolchain = { cc: 'gcc', ar: 'ar', cflags: ['-std=c99', '-O0'] };
const uid = process.getuid?.() ?? -1;
const original = process.env.TMPDIR;
const base = mkdtempSync(join(tmpdir(), 'tinyforge-cache-test-'));
let tmp = '';
let n = 0;
const expectedHeaders = () => Object.entries(kernelLibraryFiles()).filter(([f]) => f.endsWith('.h'));

beforeEach(() => {
  tmp = join(base, String(n++));
  mkdirSync(tmp);
  process.env.TMPDIR = tmp; // os.tmpdir() reads it on every call
});
afterEach(() => {
  if (original === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = original;
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe.skipIf(!haveTool('gcc') || uid < 0)('kernel library cache', () => {
  it('lives in a 0700 per-user folder, holding only the headers, the archive and their hashes', () => {
    const lib = kernelArchive(tc);
    const root = join(tmp, `tinyforge-kernels-${uid}`);
    expect(lib.includeDir.startsWith(root + '/')).toBe(true);
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(readdirSync(lib.includeDir).sort()).toEqual([...expectedHeaders().map(([f]) => f), 'libtfkernels.a', 'sha256sums.json'].sort());
    expect(kernelArchive(tc)).toEqual(lib); // reused
  }, 120_000);

  it('a tampered header, a planted extra header or a changed archive is rebuilt, not used', () => {
    const lib = kernelArchive(tc);
    const planted = '#error planted by another user\n';
    appendFileSync(join(lib.includeDir, 'tf_kernels.h'), planted);
    expect(kernelArchive(tc).includeDir).toBe(lib.includeDir);
    expect(readFileSync(join(lib.includeDir, 'tf_kernels.h'), 'utf8')).toBe(kernelLibraryFiles()['tf_kernels.h']);

    writeFileSync(join(lib.includeDir, 'stdint.h'), planted, { mode: 0o600 });
    kernelArchive(tc);
    expect(existsSync(join(lib.includeDir, 'stdint.h'))).toBe(false);

    const archive = readFileSync(lib.archive);
    appendFileSync(lib.archive, 'x');
    kernelArchive(tc);
    expect(Buffer.compare(readFileSync(lib.archive), archive)).toBe(0);
  }, 300_000);

  it('an entry writable by others is rebuilt', () => {
    const lib = kernelArchive(tc);
    chmodSync(join(lib.includeDir, 'tf_quant.h'), 0o666);
    kernelArchive(tc);
    expect(statSync(join(lib.includeDir, 'tf_quant.h')).mode & 0o022).toBe(0);
  }, 300_000);

  it('a cache folder with the wrong mode or owner is not used (the library is built privately elsewhere)', () => {
    const root = join(tmp, `tinyforge-kernels-${uid}`);
    const cached = kernelArchive(tc);
    expect(cached.includeDir.startsWith(root + '/')).toBe(true);
    chmodSync(root, 0o777); // anyone could now swap the entry
    let lib = kernelArchive(tc);
    expect(lib.includeDir.startsWith(root + '/')).toBe(false);
    expect(statSync(lib.includeDir).mode & 0o077).toBe(0);
    if (uid === 0) {
      chmodSync(root, 0o700);
      chownSync(root, 4242, 4242); // another user's folder at our name
      lib = kernelArchive(tc);
      expect(lib.includeDir.startsWith(root + '/')).toBe(false);
    }
  }, 300_000);
});
