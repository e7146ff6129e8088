// `tinyforge … | head` closes the pipe early: the CLI must end quietly, not crash with a stack trace.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_MODELS } from '../../examples/models/index.js';
import { writeTflite } from '../../src/import/tflite/index.js';
import { REPO_ROOT } from '../helpers/shared.js';

describe('CLI output into a closed pipe', () => {
  it('exits 0 without an error when the reader has gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyforge-epipe-'));
    const model = join(dir, 'm.tflite');
    writeFileSync(model, writeTflite(DEMO_MODELS.find((m) => m.name.startsWith('mobilenet'))!.build()));
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/tinyforge.js'), 'inspect', model, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Like `| true`: the reader is gone before the first write, so every write meets a closed pipe.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
