// Model strings printed by the CLI: text reports and error lines show control characters as visible
// escapes (no ESC/OSC reaches the terminal, a newline cannot forge a line); JSON stays JSON.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { writeTflite } from '../../src/import/tflite/index.js';
import { escapeCComment, escapeJsComment, escapeMarkdown, escapeTerminal } from '../../src/escape.js';
import { HOSTILE_NAMES, sineWithNames } from '../helpers/hostile.js';

const dir = mkdtempSync(join(tmpdir(), 'tinyforge-hostile-'));
const model = join(dir, 'hostile.tflite');
const name = HOSTILE_NAMES.terminal;
writeFileSync(model, writeTflite(sineWithNames(name, `out ${name}`)));
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('model strings at the terminal', () => {
  it('inspect and plan print no control character and no forged line', async () => {
    for (const argv of [['inspect', model], ['plan', model]]) {
      const r = await cli(...argv);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(CONTROL);
      expect(r.stdout).not.toMatch(/^tinyforge: E_FORGED/m);
      expect(r.stdout).toContain('\\x1b]0;pwned\\x07\\x1b[31mred\\ntinyforge: E_FORGED: second line');
    }
  });

  it('an error naming the tensor is exactly one line', async () => {
    const input = join(dir, 'in.bin');
    writeFileSync(input, Buffer.alloc(3));
    const r = await cli('run', model, '--input', input, '--output', join(dir, 'out.bin'));
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(CONTROL);
    expect(r.stderr.split('\n')).toEqual([expect.stringMatching(/^tinyforge: E_INPUT_DATA: input 0 \(\\x1b]0;pwned.*second line, int8\[1,1\]\) needs 1 bytes, got 3$/), '']);
  });

  it('--json keeps the names exactly (JSON escapes them itself)', async () => {
    const r = await cli('inspect', model, '--json');
    expect(JSON.parse(r.stdout).inputs[0].name).toBe(name);
  });
});

describe('escaping functions', () => {
  it('terminal: every control character visible, printable text unchanged', () => {
    expect(escapeTerminal('a\u001b[2Jb\r\n\t\u009b\u2028\u202e é')).toBe('a\\x1b[2Jb\\r\\n\\t\\x9b\\u2028\\u202e é');
  });

  it('C comment: printable ASCII, no */ or /* or ?? left', () => {
    const out = escapeCComment(HOSTILE_NAMES.c);
    expect(out).toMatch(/^[\x20-\x7e]*$/);
    expect(out).not.toMatch(/\*\/|\/\*|\?\?/);
  });

  it('JS comment: one line, no */', () => {
    const out = escapeJsComment(HOSTILE_NAMES.js);
    expect(out).not.toMatch(/\*\/|[\n\r\u2028\u2029]/);
  });

  it('Markdown: one line, syntax characters escaped', () => {
    expect(escapeMarkdown('# x\n<b>*y*</b>')).toBe('\\# x\\\\n\\<b\\>\\*y\\*\\</b\\>');
  });
});
