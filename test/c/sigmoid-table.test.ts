// The int16 sigmoid table has one source, src/ir/sigmoid-table.ts (TFLite's sigmoid_table_uint16); the C
// kernels' copy in tf_sigmoid16.h is written from it by scripts/gen-kernel-abi.mjs (npm run build:kernels).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIGMOID_TABLE_UINT16 } from '../../src/ir/sigmoid-table.js';
import { REPO_ROOT } from '../helpers/shared.js';

describe('tf_sigmoid16.h', () => {
  it('holds exactly the reference kernels\' sigmoid table, between its GENERATED markers', () => {
    const header = readFileSync(join(REPO_ROOT, 'firmware-templates/kernels/tf_sigmoid16.h'), 'utf8');
    const block = /\/\* BEGIN GENERATED[^\n]*\n([\s\S]*?)\n\/\* END GENERATED \*\//.exec(header);
    expect(block).not.toBeNull();
    const body = /tf_sigmoid_table_u16\[(\d+)\] = \{([^}]*)\}/.exec(block![1]!);
    expect(body).not.toBeNull();
    const values = body![2]!.split(',').map((v) => v.trim()).filter((v) => v !== '').map(Number);
    expect(Number(body![1])).toBe(256);
    expect(values).toEqual(Array.from(SIGMOID_TABLE_UINT16));
  });
});
