// assembly/conv-record.ts reads the conv2d, dwconv2d, conv2d_lut and dwconv2d_lut records through one set of
// offsets, most of them conv2d's: every field it reads must sit at the same word in each of those records that has it,
// and a field of the shared prefix must be in all four (else a kernel would read another field of its record).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wasmRecordFields, type WasmRecordName } from '../../codegen/wasm/abi/records.js';
import { REPO_ROOT } from '../helpers/shared.js';

const READ = ['conv2d', 'dwconv2d', 'conv2d_lut', 'dwconv2d_lut'] as const;
/** The records of a field the reader reads through `record`'s offset: the pair it belongs to, or all four. */
const PAIRS: Record<(typeof READ)[number], readonly string[]> = {
  conv2d: ['conv2d', 'conv2d_lut'],
  dwconv2d: ['dwconv2d', 'dwconv2d_lut'],
  conv2d_lut: ['conv2d_lut', 'dwconv2d_lut'],
  dwconv2d_lut: ['conv2d_lut', 'dwconv2d_lut'],
};

const wordOf = (record: WasmRecordName, field: string) => wasmRecordFields(record).find((f) => f.name === field)?.index;

/** (record, field) of every assembly/abi.ts offset conv-record.ts reads, longest record prefix first (CONV2D_LUT_ before CONV2D_). */
function readerFields(): Array<{ record: (typeof READ)[number]; field: string }> {
  const source = readFileSync(join(REPO_ROOT, 'assembly/conv-record.ts'), 'utf8');
  const body = source.slice(source.indexOf('export class ConvRecord'));
  const names = [...new Set([...body.matchAll(/\b((?:DW)?CONV2D(?:_LUT)?_[A-Z_]+)\b/g)].map((m) => m[1]!))];
  const prefixes = [...READ].sort((a, b) => b.length - a.length);
  return names.map((name) => {
    const record = prefixes.find((r) => name.startsWith(`${r.toUpperCase()}_`))!;
    return { record, field: name.slice(record.length + 1).toLowerCase() };
  });
}

describe('assembly/conv-record.ts: one reader for the convolution records', () => {
  const fields = readerFields();

  it('reads the shared prefix, the two per-kind words and the LUT words', () => {
    expect(fields.length).toBeGreaterThanOrEqual(30);
    for (const { record, field } of fields) expect(wordOf(record, field), `${record}.${field}`).toBeDefined();
  });

  it('every field it reads is at the same word in each record that has it, and in its pair or all four', () => {
    for (const { record, field } of fields) {
      const word = wordOf(record, field)!;
      const holders = READ.filter((r) => wordOf(r, field) !== undefined);
      for (const r of holders) expect(wordOf(r, field), `${field}: ${r} vs ${record}`).toBe(word);
      if (holders.length < READ.length) expect(holders, `${field}`).toEqual(PAIRS[record]);
    }
  });
});
