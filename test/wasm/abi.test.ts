// The kernel ABI: every golden model lowers to known kernels with records of the declared size, the
// constant data holds each weight tensor once, and the generated AssemblyScript offsets are current.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { planModel, scheduleOf, type PlanModelOptions } from '../../src/pipeline.js';
import { asAbiSource, cAbiHeader, KERNELS, kernelSymbols, QPARAMS_GROUP_BYTES, lowerSchedule, recordFields, recordWords, RECORDS, type RecordName } from '../../src/schedule/abi.js';
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

  it('assembly/abi.ts is generated from RECORDS (npm run build:kernels regenerates it)', () => {
    expect(readFileSync(join(REPO_ROOT, 'assembly/abi.ts'), 'utf8')).toBe(asAbiSource());
  });

  it('the C header declares every record and kernel', () => {
    const h = cAbiHeader();
    for (const name of Object.keys(RECORDS)) expect(h).toContain(`} tf_${name}_args;`);
    for (const symbol of Object.keys(KERNELS)) expect(h).toContain(`void ${symbol}(const int32_t *args);`);
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
