// Refusals and hostile input: every failure is a typed error that names what is wrong.
import { describe, expect, it } from 'vitest';
import { ModelFormatError, TinyforgeError, UnsupportedError } from '../../src/errors.js';
import { FlatReader } from '../../src/import/tflite/flat-reader.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { builtinCode, builtinName, ModelField, SubGraphField } from '../../src/import/tflite/schema.js';
import { craftTflite, type CraftModel } from './craft.js';
import { loadSharedModels, sharedModelsAvailable } from './shared-models.js';

const read = (bytes: Uint8Array) => readTflite(bytes);

function errorOf(bytes: Uint8Array): TinyforgeError {
  try {
    read(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(TinyforgeError);
    return e as TinyforgeError;
  }
  throw new Error('expected the read to fail');
}

// A valid one-op model: t0 [1,4] int8 -> RELU -> t1, with the given op code.
const oneOp = (code: CraftModel['codes'] extends (infer C)[] | undefined ? C : never, extra: Partial<CraftModel> = {}): CraftModel => ({
  codes: [code],
  tensors: [{ shape: [1, 4] }, { shape: [1, 4] }],
  operators: [{ opcode: 0, inputs: [0], outputs: [1] }],
  inputs: [0],
  outputs: [1],
  ...extra,
});
const RELU = builtinCode('RELU');

describe('schema facts', () => {
  it('builtin names follow the BuiltinOperator enum', () => {
    expect([0, 3, 9, 32, 97, 114, 117, 126, 127, 150, 161].map(builtinName)).toEqual([
      'ADD',
      'CONV_2D',
      'FULLY_CONNECTED',
      'CUSTOM',
      'RESIZE_NEAREST_NEIGHBOR',
      'QUANTIZE',
      'HARD_SWISH',
      'BATCH_MATMUL',
      'PLACEHOLDER_FOR_GREATER_OP_CODES',
      'GELU',
      'RIGHT_SHIFT',
    ]);
  });

  it('a crafted valid model reads', () => {
    const g = read(craftTflite(oneOp({ builtin: RELU, version: 2 })));
    expect(g.ops.map((o) => [o.kind, o.version])).toEqual([['RELU', 2]]);
  });
});

describe('refusal up front', () => {
  it('an operator outside OP_KINDS names op, version and node', () => {
    const e = errorOf(craftTflite(oneOp({ builtin: builtinCode('TOPK_V2'), version: 3 })));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.message).toBe('unsupported operator TOPK_V2 (v3) at node 0');
    expect(e.details).toEqual({ op: 'TOPK_V2', nodeIndex: 0, version: 3 });
  });

  it('the builtin code is max(deprecated_builtin_code, builtin_code)', () => {
    const e = errorOf(craftTflite(oneOp({ builtin: 150, deprecated: 127 })));
    expect(e.message).toBe('unsupported operator GELU (v1) at node 0');
    // Old files carry only the deprecated byte.
    expect(read(craftTflite(oneOp({ builtin: 0, deprecated: RELU }))).ops[0]!.kind).toBe('RELU');
  });

  it('a custom operator', () => {
    const e = errorOf(craftTflite(oneOp({ builtin: 32, custom: 'TFLite_Detection_PostProcess' })));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.message).toMatch(/custom operator "TFLite_Detection_PostProcess" \(v1\) at node 0/);
  });

  it('a version above the table', () => {
    // RELU v3 is the int16 RELU, which runs; no TFLite version past 3 exists for it
    const e = errorOf(craftTflite(oneOp({ builtin: RELU, version: 4 })));
    expect(e).toBeInstanceOf(UnsupportedError);
    expect(e.message).toBe('unsupported operator RELU (v4) at node 0; supported up to v3');
    expect(e.details).toEqual({ op: 'RELU', nodeIndex: 0, version: 4 });
  });

  it('more than one subgraph, an unknown schema version, an unknown tensor type', () => {
    expect(errorOf(craftTflite(oneOp({ builtin: RELU }, { subgraphs: 2 }))).message).toMatch(/with 2 subgraphs/);
    expect(errorOf(craftTflite(oneOp({ builtin: RELU }, { version: 2 })))).toBeInstanceOf(UnsupportedError);
    const e = errorOf(craftTflite(oneOp({ builtin: RELU }, { tensors: [{ shape: [1, 4] }, { shape: [1, 4], type: 99, name: 'out' }] })));
    expect(e.message).toBe('tensor 1 ("out") has unknown TensorType 99');
  });
});

describe('malformed files', () => {
  it('wrong identifier, empty and tiny files', () => {
    expect(errorOf(craftTflite(oneOp({ builtin: RELU }, { identifier: 'TFL2' }))).message).toMatch(/identifier is "TFL2"/);
    for (const n of [0, 1, 7]) expect(errorOf(new Uint8Array(n))).toBeInstanceOf(ModelFormatError);
  });

  it('tensor indices out of range in operators and subgraph I/O; bad arity', () => {
    expect(errorOf(craftTflite(oneOp({ builtin: RELU }, { operators: [{ opcode: 0, inputs: [5], outputs: [1] }] }))).message).toMatch(/RELU at node 0 input 0 is tensor 5/);
    expect(errorOf(craftTflite(oneOp({ builtin: RELU }, { operators: [{ opcode: 0, inputs: [0], outputs: [-1] }] }))).message).toMatch(/output 0 is tensor -1/);
    expect(errorOf(craftTflite(oneOp({ builtin: RELU }, { outputs: [2] }))).message).toMatch(/subgraph output 0 is tensor 2/);
    expect(errorOf(craftTflite(oneOp({ builtin: RELU }, { operators: [{ opcode: 3, inputs: [0], outputs: [1] }] }))).message).toMatch(/operator code 3 of 1/);
    const arity = errorOf(craftTflite(oneOp({ builtin: builtinCode('CONV_2D'), version: 3 })));
    expect(arity.message).toBe('malformed TFLite file: CONV_2D at node 0: has 1 inputs, expected 2 to 3');
    expect(arity.details).toMatchObject({ op: 'CONV_2D', nodeIndex: 0 });
  });

  it('negative dims, shapes beyond int32 bytes, constant data of the wrong size, missing buffers', () => {
    const withTensor = (t: CraftModel['tensors'], extra: Partial<CraftModel> = {}) => craftTflite(oneOp({ builtin: RELU }, { tensors: t, ...extra }));
    expect(errorOf(withTensor([{ shape: [1, -4] }, { shape: [1, 4] }])).message).toMatch(/negative dimension/);
    expect(errorOf(withTensor([{ shape: [65536, 65536, 65536] }, { shape: [1, 4] }])).message).toMatch(/needs 281474976710656 bytes/);
    const sized = errorOf(withTensor([{ shape: [1, 4] }, { shape: [1, 4] }, { shape: [2, 2], buffer: 1 }], { buffers: [null, new Uint8Array(3)] }));
    expect(sized.message).toMatch(/tensor 2 \("t2"\) has 3 data bytes, shape \[2,2\] int8 needs 4/);
    expect(errorOf(withTensor([{ shape: [1, 4] }, { shape: [1, 4] }, { shape: [4], buffer: 7 }])).message).toMatch(/index 7 is beyond the 1 buffers/);
  });

  it('many tensors sharing one big buffer cannot make the reader copy far more than the file holds', () => {
    const shared = Array.from({ length: 3000 }, () => ({ shape: [4000], buffer: 1 }));
    const bytes = craftTflite(oneOp({ builtin: RELU }, { tensors: [{ shape: [1, 4] }, { shape: [1, 4] }, ...shared], buffers: [null, new Uint8Array(4000)] }));
    expect(errorOf(bytes).message).toMatch(/far more data than it holds/);
  });

  it('the large-model buffer form: data after the flatbuffer, bounds-checked', () => {
    const trailer = new Uint8Array([1, 2, 3, 4]);
    const make = (offset: (bodyLength: number) => number) => {
      const probe = craftTflite(oneOp({ builtin: RELU }, { tensors: [{ shape: [1, 4] }, { shape: [1, 4] }, { shape: [4], buffer: 1 }], buffers: [null, { offset: 2, size: 4 }] }));
      return craftTflite(oneOp({ builtin: RELU }, { tensors: [{ shape: [1, 4] }, { shape: [1, 4] }, { shape: [4], buffer: 1 }], buffers: [null, { offset: offset(probe.length), size: 4 }], trailer }));
    };
    expect(Array.from(read(make((n) => n)).tensors[2]!.data!)).toEqual([1, 2, 3, 4]);
    expect(errorOf(make((n) => n + 1)).message).toMatch(/external data/);
    expect(errorOf(make(() => 2 ** 40))).toBeInstanceOf(ModelFormatError);
  });
});

describe.skipIf(!sharedModelsAvailable())('patched real files', () => {
  const hello = () => loadSharedModels().find((m) => m.name === 'hello_world_int8')!.bytes.slice();
  const u32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(at, v >>> 0, true);
  const tensorsVector = (b: Uint8Array) => {
    const sg = new FlatReader(b, Infinity).root('TFL3').tables(ModelField.subgraphs, 'subgraph')![0]!;
    return sg.vector(SubGraphField.tensors, 4, 'tensors')!;
  };

  it('truncated at many lengths', () => {
    const bytes = hello();
    for (const n of [0, 4, 8, 12, 64, 500, 1000, bytes.length >> 1, bytes.length - 16, bytes.length - 1]) {
      expect(errorOf(bytes.subarray(0, n))).toBeInstanceOf(ModelFormatError);
    }
  });

  it('a root offset far outside the file', () => {
    const bytes = hello();
    u32(bytes, 0, 0xfffffff0);
    expect(errorOf(bytes).message).toMatch(/outside the 2704-byte file/);
  });

  it('an element offset in the tensor vector pointing outside the file', () => {
    const bytes = hello();
    u32(bytes, tensorsVector(bytes).start + 8, 0x7ffffff0);
    expect(errorOf(bytes)).toBeInstanceOf(ModelFormatError);
  });

  it('a huge vector length is refused before anything is allocated', () => {
    const bytes = hello();
    u32(bytes, tensorsVector(bytes).start - 4, 0xffffffff);
    const t0 = performance.now();
    expect(errorOf(bytes).message).toMatch(/tensor length|lies outside/);
    expect(performance.now() - t0).toBeLessThan(100);
  });
});
