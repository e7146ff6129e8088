// What `npm pack` ships: what the CLI and the library load at run time, and nothing that points at
// unshipped sources (source maps), text forms (.wat), benchmarks, examples or TypeScript sources.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const built = existsSync(join(REPO, 'dist/src/cli/main.js')) && existsSync(join(REPO, 'build/kernels.simd.wasm'));

describe.skipIf(!built)('npm pack', () => {
  it('ships the run-time files only', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const needed of ['bin/tinyforge.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'dist/codegen/wasm/emit.js', 'dist/examples/models/index.js', 'build/kernels.simd.wasm', 'build/kernels.scalar.wasm', 'firmware-templates/kernels/tf_kernels.h', 'package.json', 'README.md']) {
      expect(files).toContain(needed);
    }
    const unwanted = files.filter((f) => /\.(map|wat)$/.test(f) || /^(dist\/bench|dist\/examples\/web|dist\/test|examples|assembly|codegen|src|test)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
    expect(unwanted).toEqual([]);
  });
});
