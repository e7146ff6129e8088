// Graph structure validation (issue 18 items 3 and 11): raw flatbuffers with broken wiring, zero-size
// and overflowing shapes, each refused with a typed error naming the op and the tensor.
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../src/builder/index.js';
import { readTflite, writeTflite } from '../../src/import/tflite/index.js';
import { builtinCode } from '../../src/import/tflite/schema.js';
import type { AnyOp, Graph, Tensor } from '../../src/ir/graph.js';
import { validateGraph } from '../../src/ir/validate.js';
import { refusal } from '../helpers/refusal.js';
import { craftTflite, type CraftModel } from '../import/craft.js';


const RELU = builtinCode('RELU');
const ADD = builtinCode('ADD');
// RELU is code 0, ADD code 1; tensors t0..t3 are int8 [1, 4] activations unless a case says otherwise.
const model = (extra: Partial<CraftModel>): Uint8Array =>
  craftTflite({
    codes: [{ builtin: RELU }, { builtin: ADD }],
    tensors: [{ shape: [1, 4] }, { shape: [1, 4] }, { shape: [1, 4] }, { shape: [1, 4] }],
    inputs: [0],
    outputs: [2],
    ...extra,
  });
const relu = (input: number, output: number) => ({ opcode: 0, inputs: [input], outputs: [output] });
const readRefusal = (bytes: Uint8Array) => refusal(() => readTflite(bytes));

describe('graph structure (item 3)', () => {
  it('a well-formed chain reads', () => {
    expect(readTflite(model({ operators: [relu(0, 1), relu(1, 2)] })).ops).toHaveLength(2);
  });

  it('a cycle names an op on it and the tensor it reads', () => {
    const e = readRefusal(model({ operators: [relu(0, 1), { opcode: 1, inputs: [1, 3], outputs: [2] }, relu(2, 3)] }));
    expect(e.code).toBe('E_MODEL_FORMAT');
    expect(e.message).toMatch(/^malformed TFLite file: (ADD at node 1 is on a cycle: it reads tensor 3 \("t3"\)|RELU at node 2 is on a cycle: it reads tensor 2 \("t2"\))/);
    expect(e.details).toMatchObject({ nodeIndex: expect.any(Number), tensor: expect.any(Number) });
  });

  it('an op reading its own output is a cycle', () => {
    const e = readRefusal(model({ operators: [relu(0, 1), { opcode: 1, inputs: [1, 2], outputs: [2] }] }));
    expect(e.message).toBe('malformed TFLite file: ADD at node 1 is on a cycle: it reads tensor 2 ("t2"), which depends on its own output');
  });

  it('two ops writing one tensor', () => {
    const e = readRefusal(model({ operators: [relu(0, 2), relu(0, 2)] }));
    expect(e.code).toBe('E_MODEL_FORMAT');
    expect(e.message).toBe('malformed TFLite file: RELU at node 1 writes tensor 2 ("t2"), which RELU at node 0 also writes');
    expect(e.details).toMatchObject({ op: 'RELU', nodeIndex: 1, tensor: 2, otherNodeIndex: 0 });
  });

  it('a read of a tensor nothing writes (not an input, constant or variable)', () => {
    const e = readRefusal(model({ operators: [{ opcode: 1, inputs: [0, 3], outputs: [2] }] }));
    expect(e.message).toBe(
      'malformed TFLite file: ADD at node 0 reads tensor 3 ("t3"), which no op writes and which is not a model input, constant or variable',
    );
    // the same read of a second model input is fine
    expect(readTflite(model({ inputs: [0, 3], operators: [{ opcode: 1, inputs: [0, 3], outputs: [2] }] })).ops).toHaveLength(1);
  });

  it('a read before the op that writes it (stored out of order)', () => {
    const e = readRefusal(model({ operators: [relu(1, 2), relu(0, 1)] }));
    expect(e.message).toBe('malformed TFLite file: RELU at node 0 reads tensor 1 ("t1") before RELU at node 1 writes it (ops stored out of order)');
  });

  it('an op writing a model input', () => {
    const e = readRefusal(model({ inputs: [0, 3], operators: [relu(0, 3), { opcode: 1, inputs: [0, 3], outputs: [2] }] }));
    expect(e.message).toBe('malformed TFLite file: RELU at node 0 writes tensor 3 ("t3"), a model input');
  });

  it('an op writing a constant', () => {
    const bytes = model({
      tensors: [{ shape: [1, 4] }, { shape: [1, 4], buffer: 1 }, { shape: [1, 4] }],
      buffers: [null, new Uint8Array([1, 2, 3, 4])],
      operators: [relu(0, 1), relu(0, 2)],
    });
    const e = readRefusal(bytes);
    expect(e.message).toBe('malformed TFLite file: RELU at node 0 writes tensor 1 ("t1"), a constant');
    expect(e.details).toMatchObject({ nodeIndex: 0, tensor: 1, name: 't1' });
  });

  it('a model output nothing produces', () => {
    const e = readRefusal(model({ outputs: [1, 3], operators: [relu(0, 1)] }));
    expect(e.code).toBe('E_MODEL_FORMAT');
    expect(e.message).toBe('malformed TFLite file: model output 1 is tensor 3 ("t3"), which no op writes and which is not a model input');
  });

  it('a constant model output is refused as unsupported (the backends return outputs from the arena)', () => {
    const bytes = model({
      tensors: [{ shape: [1, 4] }, { shape: [1, 4] }, { shape: [1, 4], buffer: 1 }],
      buffers: [null, new Uint8Array([1, 2, 3, 4])],
      outputs: [1, 2],
      operators: [relu(0, 1)],
    });
    const e = readRefusal(bytes);
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toBe('malformed TFLite file: model output 1 is tensor 2 ("t2"), a constant; constant model outputs are not supported');
  });

  it('builder graphs pass the validation; a graph the builder could not make does not', () => {
    const b = new ModelBuilder({ name: 'v', seed: 1 });
    b.output(b.logistic(b.input('x', [1, 4], { scale: 0.1, zeroPoint: 0 })));
    const g = b.build();
    expect(() => validateGraph(g)).not.toThrow();
    const twice: Graph = { ...g, ops: [g.ops[0]!, g.ops[0]!] };
    expect(refusal(() => validateGraph(twice)).message).toMatch(/^invalid graph: LOGISTIC at node 1 writes tensor 1 \("[^"]*"\), which LOGISTIC at node 0 also writes$/);
    // (its API refuses zero dims itself and cannot wire ops wrongly, so build()'s check is a backstop)
  });
});

// A hand-made graph through the writer and the reader (the builder calibrates on real data, so it
// cannot make these shapes cheaply).
function poolGraph(kind: 'MAX_POOL_2D' | 'RESIZE_NEAREST_NEIGHBOR', inShape: number[], outShape: number[]): Graph {
  const tensor = (id: number, shape: number[], ints?: number[]): Tensor => ({
    id,
    name: `t${id}`,
    shape,
    shapeSignature: null,
    dtype: ints ? 'int32' : 'int8',
    quant: ints ? null : { scales: [Math.fround(0.1)], zeroPoints: [0], axis: 0 },
    data: ints ? new Uint8Array(Int32Array.from(ints).buffer) : null,
    isVariable: false,
  });
  const pool = {
    kind,
    version: 1,
    inputs: [0],
    outputs: [1],
    attrs: { filter: [1, 1], stride: [1, 1], pad: { top: 0, bottom: 0, left: 0, right: 0 }, clamp: [-128, 127] },
    params: null,
  };
  const resize = { kind, version: 1, inputs: [0, 2], outputs: [1], attrs: { alignCorners: false, halfPixelCenters: false }, params: null };
  const tensors = [tensor(0, inShape), tensor(1, outShape)];
  if (kind === 'RESIZE_NEAREST_NEIGHBOR') tensors.push(tensor(2, [2], [outShape[1]!, outShape[2]!]));
  const op = (kind === 'MAX_POOL_2D' ? pool : resize) as unknown as AnyOp;
  return { name: '', description: '', tensors, ops: [op], inputs: [0], outputs: [1], metadata: [], signatureDefs: [] };
}

describe('zero-size and overflowing shapes (item 11)', () => {
  it('MAX_POOL over [1, 2^30, 2^30, 0]: its strides overflow int32, refused at import in milliseconds', () => {
    const big = [1, 2 ** 30, 2 ** 30, 0];
    const e = readRefusal(writeTflite(poolGraph('MAX_POOL_2D', big, big)));
    expect(e.code).toBe('E_MODEL_FORMAT');
    expect(e.message).toBe(
      `malformed TFLite file: tensor 0 ("t0") has shape [${big}]: its non-zero dimensions multiply to more than 2147483647`,
    );
  });

  it('RESIZE_NEAREST_NEIGHBOR to [1, 2^30, 2^30, 0] is refused the same way', () => {
    const e = readRefusal(writeTflite(poolGraph('RESIZE_NEAREST_NEIGHBOR', [1, 2, 2, 0], [1, 2 ** 30, 2 ** 30, 0])));
    expect(e.message).toMatch(/^malformed TFLite file: tensor 1 \("t1"\) has shape \[1,1073741824,1073741824,0\]: its non-zero dimensions multiply/);
  });

  it('a zero-size activation within int32 is refused as unsupported, naming op and tensor', () => {
    const e = readRefusal(writeTflite(poolGraph('MAX_POOL_2D', [1, 8, 8, 0], [1, 8, 8, 0])));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toBe('malformed TFLite file: model input tensor 0 ("t0") has shape [1,8,8,0] with no elements; zero-size activations are not supported');
    expect(e.details).toEqual({ tensor: 0, name: 't0', shape: [1, 8, 8, 0] });
  });

  it('an element count past int32 in a builder-made graph (which skips the file reader)', () => {
    const g = poolGraph('MAX_POOL_2D', [1, 2 ** 16, 2 ** 16, 1], [1, 2 ** 16, 2 ** 16, 1]);
    expect(refusal(() => validateGraph(g, 'm')).message).toBe('m: tensor 0 ("t0") has shape [1,65536,65536,1]: its non-zero dimensions multiply to more than 2147483647');
    const inexact = poolGraph('MAX_POOL_2D', [2 ** 27, 2 ** 27, 2 ** 27, 1], [1, 1, 1, 1]);
    expect(refusal(() => validateGraph(inexact)).details).toMatchObject({ tensor: 0, shape: [2 ** 27, 2 ** 27, 2 ** 27, 1] });
  });
});
