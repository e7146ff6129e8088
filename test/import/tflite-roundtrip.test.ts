// writeTflite produces files we read back to the same Graph, and that follow what TFLite Micro expects.
import { describe, expect, it } from 'vitest';
import { FlatReader } from '../../src/import/tflite/flat-reader.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { BufferField, ModelField, OperatorCodeField, SubGraphField, TensorField } from '../../src/import/tflite/schema.js';
import { UnsupportedError } from '../../src/errors.js';
import type { Graph } from '../../src/ir/graph.js';
import { comparable } from './graph-compare.js';
import { loadSharedModels, sharedModelsAvailable } from './shared-models.js';

const available = sharedModelsAvailable();
const models = available ? loadSharedModels() : [];
const read = (bytes: Uint8Array): Graph => readTflite(bytes);

describe.skipIf(!available)('round trip through writeTflite', () => {
  it.each(models.map((m) => [m.name, m] as const))('%s reads back to the same graph', (_name, m) => {
    const g = read(m.bytes);
    const written = writeTflite(g);
    expect(comparable(read(written))).toEqual(comparable(g));
    // Writing is deterministic, and writing the re-read graph gives the same bytes.
    expect(Buffer.from(writeTflite(read(written))).equals(Buffer.from(written))).toBe(true);
  });

  it('written files: TFL3, schema 3, one subgraph, empty buffer 0, aligned data, both builtin code fields', () => {
    const m = models.find((x) => x.name === 'kws_ref_model')!;
    const g = read(m.bytes);
    const bytes = writeTflite(g);
    const r = new FlatReader(bytes, Infinity);
    const model = r.root('TFL3');
    expect(model.scalar(ModelField.version, 'u32', 0)).toBe(3);
    expect(model.tables(ModelField.subgraphs, 'subgraph')!.length).toBe(1);
    const buffers = model.tables(ModelField.buffers, 'buffer')!;
    expect(buffers[0]!.vector(BufferField.data, 1, 'data')?.count ?? 0).toBe(0);
    const constants = g.tensors.filter((t) => t.data !== null).length;
    expect(buffers.length).toBeLessThanOrEqual(1 + constants + g.metadata.length);
    for (const buffer of buffers.slice(1)) {
      const v = buffer.vector(BufferField.data, 1, 'data');
      if (v && v.count > 0) expect(v.start % 16).toBe(0);
    }
    const tensors = model.tables(ModelField.subgraphs, 'subgraph')![0]!.tables(SubGraphField.tensors, 'tensor')!;
    tensors.forEach((t, i) => expect(t.scalar(TensorField.buffer, 'u32', 0) === 0).toBe(g.tensors[i]!.data === null));
    for (const code of model.tables(ModelField.operatorCodes, 'code')!) {
      const builtin = code.scalar(OperatorCodeField.builtinCode, 'i32', 0);
      expect(code.scalar(OperatorCodeField.deprecatedBuiltinCode, 'i8', 0)).toBe(Math.min(builtin, 127));
    }
  });

  it('refuses attrs TFLite cannot express: explicit pads that are neither SAME nor VALID, a foreign clamp', () => {
    const g = read(models.find((x) => x.name === 'kws_ref_model')!.bytes);
    const i = g.ops.findIndex((o) => o.kind === 'DEPTHWISE_CONV_2D');
    const badPad = structuredClone(g);
    const dw = badPad.ops[i]!;
    if (dw.kind === 'DEPTHWISE_CONV_2D') dw.attrs.pad = { top: 0, bottom: 2, left: 1, right: 1 };
    expect(() => writeTflite(badPad)).toThrow(UnsupportedError);
    const badClamp = structuredClone(g);
    const dw2 = badClamp.ops[i]!;
    if (dw2.kind === 'DEPTHWISE_CONV_2D') dw2.attrs.clamp = [-100, 100];
    expect(() => writeTflite(badClamp)).toThrow(/clamp \[-100,100\].*no TFLite fused activation/);
  });
});
