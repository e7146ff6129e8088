// The lowering table (src/schedule/abi/lowerings.ts): one entry per op kind, and kernel symbols chosen
// from the Schedule call alone (what the profiler reads), never by lowering records and constant data.
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../src/builder/index.js';
import { OP_KINDS, type OpKind } from '../../src/ir/ops.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import type { OpLowering } from '../../src/schedule/abi/context.js';
import { callSymbols, kernelSymbols, lowerSchedule } from '../../src/schedule/abi/lower.js';
import { LOWERINGS } from '../../src/schedule/abi/lowerings.js';
import { RECORDS } from '../../src/schedule/abi/records.js';
import type { Schedule } from '../../src/schedule/types.js';

function convSchedule(): Schedule {
  const b = new ModelBuilder({ name: 'lowering', seed: 3 });
  const x = b.input('x', [1, 6, 6, 8], { scale: 0.05, zeroPoint: 1 });
  b.output(b.add(b.conv2d(x, { filters: 8, kernel: 3 }), b.conv2d(x, { filters: 8, kernel: 1 })));
  return scheduleOf(planModel(b.build(), { inplace: false }).plan);
}

describe('lowering table', () => {
  it('has an entry for every op kind, and a missing one does not compile', () => {
    expect(Object.keys(LOWERINGS).sort()).toEqual([...OP_KINDS].sort());
    const { ADD: _add, ...withoutAdd } = LOWERINGS;
    // @ts-expect-error an OpKind without a lowering is a type error
    const incomplete: { readonly [K in OpKind]: OpLowering<K> } = withoutAdd;
    expect(Object.keys(incomplete)).not.toContain('ADD');
  });

  it('callSymbols gives the lowering\'s symbols, fast paths included', () => {
    const s = convSchedule();
    expect(callSymbols(s)).toEqual(lowerSchedule(s).calls.map((c) => c.symbol));
    // the 1x1 over 8 channels takes the channel records (pointwise-table.ts), a symbol of its own; without them conv2d_s8_pw
    expect(callSymbols(s)).toEqual(['conv2d_s8_kxk4', 'conv2d_s8_pw_rec', 'add_s8']);
    expect(callSymbols(s, { compileTimeTables: false })).toEqual(['conv2d_s8_kxk4', 'conv2d_s8_pw', 'add_s8']);
    expect(callSymbols(s, { fastPaths: false })).toEqual(['conv2d_s8', 'conv2d_s8', 'add_s8']);
    expect(kernelSymbols(s)).toEqual(['add_s8', 'conv2d_s8_kxk4', 'conv2d_s8_pw_rec']);
  });

  it('callSymbols reads the call alone: no constant data is built (weights without bytes still get their kernel)', () => {
    const s = convSchedule();
    // the lowering needs every weight's bytes; choosing a kernel needs none
    const tensors = s.graph.tensors.map((t) => (t.data ? { ...t, data: null } : t));
    const hollow: Schedule = { ...s, graph: { ...s.graph, tensors } };
    expect(callSymbols(hollow)).toEqual(['conv2d_s8_kxk4', 'conv2d_s8_pw_rec', 'add_s8']);
  });

  it('callSymbols gives null where the ABI has no kernel (an op without derived params), as lowering refuses it', () => {
    const s = convSchedule();
    const calls = s.calls.map((c) => (c.type === 'kernel' && c.op.kind === 'ADD' ? { ...c, op: { ...c.op, params: null } } : c));
    const broken: Schedule = { ...s, calls };
    expect(callSymbols(broken)).toEqual(['conv2d_s8_kxk4', 'conv2d_s8_pw_rec', null]);
    expect(() => lowerSchedule(broken)).toThrow('ADD (op 2) has no derived quantization params');
  });

  it('CONV_2D: conv.c\'s path as a symbol of its own where the call meets it, so a model links only the paths its layers run', () => {
    const b = new ModelBuilder({ name: 'conv-paths', seed: 5 });
    const x = b.input('x', [1, 12, 10, 3], { scale: 0.05, zeroPoint: 1 });
    const rgb = b.conv2d(x, { filters: 8, kernel: 3, stride: 2 });
    const taps = b.conv2d(rgb, { filters: 4, kernel: [3, 2] });
    const runs = b.conv2d(taps, { filters: 4, kernel: [3, 3], dilation: 2 });
    b.output(b.conv2d(runs, { filters: 5, kernel: 1 }));
    const s = scheduleOf(planModel(b.build(), { inplace: false }).plan);
    // the RGB conv (full int8 range, 8 channels) with the lowering's channel-pair records; without records its column path
    expect(callSymbols(s)).toEqual(['conv2d_s8_3x3c3_rec', 'conv2d_s8_kxk4', 'conv2d_s8_kxk', 'conv2d_s8_pw']);
    expect(callSymbols(s, { compileTimeTables: false })).toEqual(['conv2d_s8_3x3c3', 'conv2d_s8_kxk4', 'conv2d_s8_kxk', 'conv2d_s8_pw']);
    // no conv.c workspace planned (TFLM's plan): the generic symbols, whose portable path needs none
    const tflm = scheduleOf(planModel(b.build(), { inplace: false, backend: 'tflm' }).plan);
    expect(callSymbols(tflm)).toEqual(['conv2d_s8', 'conv2d_s8', 'conv2d_s8', 'conv2d_s8_1x1']);
  });

  it('CONV_2D: records only for conv2d_s8_pw_rec, and its record field 0 where a bias is past the records\' bound', () => {
    const s = convSchedule();
    // the conv2d record's channel_records word (its last field): a reference to the records, or 0
    const at = RECORDS.conv2d.indexOf('channel_records');
    const recordsWord = (sched: Schedule, options = {}) => {
      const low = lowerSchedule(sched, options);
      const words = new DataView(low.constants.buffer, low.constants.byteOffset);
      return low.calls.map((c) => c.symbol + ':' + (c.symbol.startsWith('conv2d') && words.getInt32(c.record + 4 * at, true) !== 0 ? 'records' : '0'));
    };
    expect(recordsWord(s)).toEqual(['conv2d_s8_kxk4:0', 'conv2d_s8_pw_rec:records', 'add_s8:0']);
    expect(recordsWord(s, { compileTimeTables: false })).toEqual(['conv2d_s8_kxk4:0', 'conv2d_s8_pw:0', 'add_s8:0']);
    // the 1x1's bias at 2^30: the same symbol (chosen from the layer alone), no records (conv.c runs conv2d_s8_pw's path)
    const conv = s.calls.find((c) => c.type === 'kernel' && c.op.kind === 'CONV_2D' && s.graph.tensors[(c.inputs[1] as { constant: number }).constant]!.shape[1] === 1)!;
    const biasId = ((conv as { inputs: Array<{ constant?: number }> }).inputs[2]!).constant!;
    const tensors = s.graph.tensors.map((t, i) => (i === biasId ? { ...t, data: new Uint8Array(new Int32Array(t.shape[0]!).fill(2 ** 30).buffer) } : t));
    expect(recordsWord({ ...s, graph: { ...s.graph, tensors } })).toEqual(['conv2d_s8_kxk4:0', 'conv2d_s8_pw_rec:0', 'add_s8:0']);
  });
});
