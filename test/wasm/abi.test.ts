// The kernel ABI: every golden model lowers to known kernels with records of the declared size, the
// constant data holds each weight tensor once, and the generated AssemblyScript offsets are current.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { planModel, scheduleOf, type PlanModelOptions } from '../../src/pipeline.js';
import { KERNELS } from '../../src/schedule/abi/kernels.js';
import { kernelSymbols, lowerSchedule } from '../../src/schedule/abi/lower.js';
import { QPARAMS_GROUP_BYTES } from '../../codegen/wasm/abi/qparams.js';
import { lowerWasmSchedule } from '../../codegen/wasm/abi/lower.js';
import { PREPARE_KERNELS } from '../../codegen/wasm/abi/prepare.js';
import { WASM_FIELDS, wasmRecordFields } from '../../codegen/wasm/abi/records.js';
import { ModelBuilder } from '../../src/builder/index.js';
import { recordFields, recordWords, RECORDS, type RecordName } from '../../src/schedule/abi/records.js';
import { cAbiHeader } from '../../codegen/c/abi-header.js';
import { asAbiSource } from '../../codegen/wasm/abi/as-source.js';
import { goldenModels, haveShared, REPO_ROOT } from '../helpers/shared.js';

const models = haveShared() ? goldenModels() : [];

describe('kernel ABI', () => {
  it('record layouts: unique field names, consecutive words', () => {
    for (const name of Object.keys(RECORDS) as RecordName[]) {
      const fields = recordFields(name);
      expect(new Set(fields.map((f) => f.name)).size).toBe(fields.length);
      let at = 0;
      for (const f of fields) {
        expect(f.index).toBe(at);
        at += f.count;
      }
      expect(recordWords(name)).toBe(at);
    }
    for (const spec of Object.values(KERNELS)) expect(RECORDS[spec.record]).toBeDefined();
  });

  it('add, mul and max_min share the shape fields the wasm broadcast walk reads at the add offsets', () => {
    const shapeFields = ['input1', 'input2', 'output', 'size', 'flat', 'out_shape', 'in1_strides', 'in2_strides'];
    const layout = (r: RecordName) => recordFields(r).filter((f) => shapeFields.includes(f.name));
    expect(layout('add').map((f) => f.name)).toEqual(shapeFields);
    expect(layout('mul')).toEqual(layout('add'));
    expect(layout('max_min')).toEqual(layout('add'));
  });

  it('assembly/abi.ts is generated from the wasm record layouts (npm run build:kernels regenerates it)', () => {
    expect(readFileSync(join(REPO_ROOT, 'assembly/abi.ts'), 'utf8')).toBe(asAbiSource());
  });

  it('the C header declares every record and kernel', () => {
    const h = cAbiHeader();
    for (const name of Object.keys(RECORDS)) expect(h).toContain(`} tf_${name}_args;`);
    for (const symbol of Object.keys(KERNELS)) expect(h).toContain(`void ${symbol}(const int32_t *args);`);
  });

  it('the C header carries only the shared records: no wasm field, no preparation record', () => {
    const h = cAbiHeader();
    const structs = new Map([...h.matchAll(/typedef struct \{([^}]*)\} tf_(\w+)_args;/g)].map((m) => [m[2]!, [...m[1]!.matchAll(/int32_t (\w+)/g)].map((f) => f[1]!)]));
    expect([...structs.keys()].sort()).toEqual(Object.keys(RECORDS).sort());
    for (const name of Object.keys(RECORDS) as RecordName[]) expect(structs.get(name), name).toEqual(recordFields(name).map((f) => f.name));
    for (const [name, extra] of Object.entries(WASM_FIELDS)) for (const field of extra) expect(structs.get(name), `${name}.${field}`).not.toContain(field);
    expect(structs.has('widen') || structs.has('winograd_weights')).toBe(false);
    for (const symbol of Object.keys(PREPARE_KERNELS)) expect(h).not.toContain(` ${symbol}(`);
  });

  it('a wasm record is its shared record with the wasm fields appended', () => {
    for (const name of Object.keys(RECORDS) as RecordName[]) {
      const shared = recordFields(name);
      const wasm = wasmRecordFields(name);
      expect(wasm.slice(0, shared.length), name).toEqual(shared);
      expect(wasm.slice(shared.length).map((f) => f.name), name).toEqual([...(WASM_FIELDS[name] ?? [])]);
    }
  });

  it('every preparation kernel is a wasm library export, and each step fills data of an op its entry names', () => {
    for (const symbol of Object.keys(PREPARE_KERNELS)) expect(readFileSync(join(REPO_ROOT, 'assembly/index.ts'), 'utf8')).toMatch(new RegExp(`\\b${symbol}\\b`));
    const b = new ModelBuilder({ name: 'prepare', seed: 5 });
    const x = b.input('x', [1, 64, 64, 8], { scale: 0.05, zeroPoint: 1 });
    const y = b.conv2d(x, { filters: 8, kernel: 3 });
    b.output(b.add(y, b.conv2d(x, { filters: 8, kernel: 3, name: 'second' })));
    const schedule = scheduleOf(planModel(b.build(), { inplace: false }).plan);
    const lowered = lowerWasmSchedule(schedule, { qparams: true, lookupTables: true, winograd: true });
    const steps = lowered.prepare.map((p) => p.symbol).sort();
    expect(steps).toEqual(['add_lut_s8', 'winograd_weights_s8', 'winograd_weights_s8']);
    const kinds = new Set(lowered.calls.flatMap((c) => (c.call.type === 'kernel' ? [c.call.op.kind] : [])));
    for (const step of steps) expect(PREPARE_KERNELS[step]!.ops.some((op) => kinds.has(op as never)), step).toBe(true);
  });

  const settings: Array<[string, PlanModelOptions]> = [['default', {}], ['--no-inplace', { inplace: false }], ['--int8-io --patch auto', { int8Io: true, patch: 'auto' }]];
  for (const g of models) {
    it(`${g.name}: every call lowers to a kernel; weights stored once`, () => {
      const graph = readTflite(new Uint8Array(readFileSync(g.modelPath)));
      for (const [label, options] of settings) {
        const schedule = scheduleOf(planModel(graph, options).plan);
        const lowered = lowerSchedule(schedule);
        expect(lowered.calls.length, label).toBe(schedule.calls.length);
        expect(lowered.symbols).toEqual(kernelSymbols(schedule));
        for (const c of lowered.calls) {
          expect(KERNELS[c.symbol], c.symbol).toBeDefined();
          expect(c.record % 4).toBe(0);
          expect(c.record + recordWords(KERNELS[c.symbol]!.record) * 4).toBeLessThanOrEqual(lowered.constants.length);
        }
        const weightBytes = graph.tensors.filter((t) => t.data && graph.ops.some((op) => op.inputs[1] === t.id)).reduce((s, t) => s + t.data!.length, 0);
        // Plus the requantization tables (qparams: QPARAMS_GROUP_BYTES per 4 output channels of a CONV/DEPTHWISE/FC).
        const tableBytes = graph.ops
          .filter((op) => op.kind === 'CONV_2D' || op.kind === 'DEPTHWISE_CONV_2D' || op.kind === 'FULLY_CONNECTED')
          .reduce((s, op) => s + Math.ceil(graph.tensors[op.inputs[1]!]!.shape[op.kind === 'DEPTHWISE_CONV_2D' ? 3 : 0]! / 4) * QPARAMS_GROUP_BYTES, 0);
        expect(lowered.dataBytes, label).toBeLessThan(weightBytes * 1.2 + tableBytes + 65536);
      }
    });
  }
});
