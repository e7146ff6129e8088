// Operators we cannot run: the importer's refusal of control-flow subgraphs names the subgraph, node
// and op; unsupportedOperators lists every such operator of every subgraph; `inspect` prints that list
// (exit 0, `unsupported` in --json) instead of the user finding out at compile time.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTflite, unsupportedOperators } from '../../src/import/tflite/index.js';
import { builtinCode } from '../../src/import/tflite/schema.js';
import { cli } from '../helpers/cli.js';
import { refusal } from '../helpers/refusal.js';
import { craftTflite, type CraftModel } from './craft.js';

const RELU = builtinCode('RELU');

/** t0 [1,4] int8 -> op 0 -> t1 -> op 1 -> t2 -> ..., one operator per code. */
function chain(names: Array<string | { custom: string }>, extra: Partial<CraftModel> = {}): CraftModel {
  return {
    codes: names.map((n) => (typeof n === 'string' ? { builtin: builtinCode(n) } : { builtin: 32, custom: n.custom })),
    tensors: Array.from({ length: names.length + 1 }, () => ({ shape: [1, 4] })),
    operators: names.map((_, i) => ({ opcode: i, inputs: [i], outputs: [i + 1] })),
    inputs: [0],
    outputs: [names.length],
    ...extra,
  };
}

describe('control-flow subgraphs', () => {
  it('a WHILE in subgraph 0 of a 2-subgraph model is refused naming the op, its node and subgraph', () => {
    const e = refusal(() => readTflite(craftTflite(chain(['RELU', 'WHILE'], { subgraphs: 2 }))));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toBe('unsupported control flow: WHILE at node 1 of subgraph 0 runs other subgraphs (the model has 2; only single-subgraph models run)');
    expect(e.details).toEqual({ op: 'WHILE', subgraph: 0, nodeIndex: 1, subgraphs: 2 });
  });

  it('IF and CALL_ONCE too; without control flow the refusal names subgraph 1 and its first op', () => {
    expect(refusal(() => readTflite(craftTflite(chain(['IF'], { subgraphs: 3 })))).message).toMatch(/^unsupported control flow: IF at node 0 of subgraph 0 .*has 3/);
    expect(refusal(() => readTflite(craftTflite(chain(['RELU', 'CALL_ONCE'], { subgraphs: 2 })))).details).toMatchObject({ op: 'CALL_ONCE', nodeIndex: 1 });
    const e = refusal(() => readTflite(craftTflite(chain(['RELU'], { subgraphs: 2 }))));
    expect(e.message).toBe('unsupported model with 2 subgraphs: subgraph 1 starts with RELU at node 0 (only single-subgraph models run)');
    expect(e.details).toEqual({ subgraph: 1, subgraphs: 2, op: 'RELU', nodeIndex: 0 });
  });
});

describe('unsupportedOperators', () => {
  it('lists every operator we cannot run, in every subgraph, with its node index and why', () => {
    const file = craftTflite(chain(['RELU', 'TOPK_V2', 'RELU', { custom: 'MyOp' }, 'WHILE'], { subgraphs: 2 }));
    const listed = unsupportedOperators(file);
    const sub0 = [
      { subgraph: 0, node: 1, op: 'TOPK_V2', version: 1, reason: 'operator not implemented' },
      { subgraph: 0, node: 3, op: 'MyOp', version: 1, reason: 'custom operator' },
      { subgraph: 0, node: 4, op: 'WHILE', version: 1, reason: 'control flow' },
    ];
    expect(listed).toEqual([...sub0, ...sub0.map((u) => ({ ...u, subgraph: 1 }))]);
  });

  it('a later version than we accept is listed with the highest we take; a model we run lists none', () => {
    const m = chain(['RELU']);
    expect(unsupportedOperators(craftTflite({ ...m, codes: [{ builtin: RELU, version: 9 }] }))).toEqual([
      { subgraph: 0, node: 0, op: 'RELU', version: 9, reason: 'supported up to v3' }, // v3: int16 (TFLM reads no versions)
    ]);
    expect(unsupportedOperators(craftTflite(m))).toEqual([]);
  });
});

describe('inspect on a model we cannot run yet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyforge-inspect-unsupported-'));
  const path = join(dir, 'model.tflite');
  writeFileSync(path, craftTflite(chain(['RELU', 'TOPK_V2', 'RELU', 'NON_MAX_SUPPRESSION_V4'])));

  it('prints each operator with its node index and exits 0', async () => {
    const r = await cli('inspect', path);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^model\.tflite: cannot run yet \(E_UNSUPPORTED: unsupported operator TOPK_V2 \(v1\) at node 1\)\n/);
    expect(r.stdout).toMatch(/subgraph 0 +node 1 +TOPK_V2 v1 +operator not implemented\n/);
    expect(r.stdout).toMatch(/subgraph 0 +node 3 +NON_MAX_SUPPRESSION_V4 v1 +operator not implemented\n/);
    expect(r.stdout).toMatch(/2 operator\(s\) we cannot run yet\n$/);
  });

  it('--json has the error and the unsupported list; a model we run has unsupported: []', async () => {
    const r = await cli('inspect', path, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { error: { code: string }; unsupported: Array<{ node: number; op: string }> };
    expect(report.error.code).toBe('E_UNSUPPORTED');
    expect(report.unsupported.map((u) => [u.node, u.op])).toEqual([[1, 'TOPK_V2'], [3, 'NON_MAX_SUPPRESSION_V4']]);
    const ok = join(dir, 'ok.tflite');
    writeFileSync(ok, craftTflite(chain(['RELU', 'RELU'])));
    const good = await cli('inspect', ok, '--json');
    expect(good.code).toBe(0);
    expect((JSON.parse(good.stdout) as { unsupported: unknown[] }).unsupported).toEqual([]);
  });

  it('a refusal that is not about operators still fails (a sparse or unknown-typed tensor is no operator list)', async () => {
    const bad = join(dir, 'bad-type.tflite');
    writeFileSync(bad, craftTflite({ ...chain(['RELU']), tensors: [{ shape: [1, 4] }, { shape: [1, 4], type: 99 }] }));
    const r = await cli('inspect', bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown TensorType 99/);
  });
});
