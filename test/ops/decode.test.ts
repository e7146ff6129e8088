// DECODE (TFLM LUT decompression) on every engine: index widths 1..7, channels as contiguous blocks that
// start on a byte (the C kernel's 4/2-bit byte path) or do not, and along the last axis. One model holds
// every case: each DECODE output goes through MAXIMUM with an all -128 input (stored values compared, no
// requantization), so every output is the decoded tensor. Expected values come from the indices and
// tables the test drew, looked up here, not from the kernels under test.
import { describe, expect, it } from 'vitest';
import { Xorshift32 } from '../../src/builder/random.js';
import { readTflite, writeTflite } from '../../src/import/tflite/index.js';
import type { AnyOp, Graph, Tensor } from '../../src/ir/graph.js';
import { ancillaryBytes, packIndices, type LutLayout } from '../../src/ir/lut.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';

interface Case {
  layout: LutLayout;
  shape: number[];
  expected: number[];
}

function tensor(id: number, name: string, shape: number[], dtype: Tensor['dtype'], data: Uint8Array | null, channels = 1, axis = 0): Tensor {
  return {
    id, name, shape, shapeSignature: null, dtype, isVariable: false, data,
    quant: dtype === 'int8' ? { scales: new Array<number>(channels).fill(0.01), zeroPoints: new Array<number>(channels).fill(0), axis } : null,
  };
}

function buildModel(): { graph: Graph; cases: Case[] } {
  const rng = new Xorshift32(2024);
  const int = (lo: number, hi: number) => lo + (rng.nextU32() % (hi - lo + 1));
  const tensors: Tensor[] = [];
  const ops: AnyOp[] = [];
  const cases: Case[] = [];
  const outputs: number[] = [];
  const inputs: number[] = [];
  for (let bits = 1; bits <= 7; bits++) {
    // [channels, a, b, 1] blocks of a*b elements: 8 (byte-aligned for every width), 3 (never), and last-axis channels.
    for (const [shape, axisLast] of [[[3, 2, 4, 1], false], [[4, 1, 3, 1], false], [[1, 2, 3, 5], true]] as Array<[number[], boolean]>) {
      const channels = axisLast ? shape[3]! : shape[0]!;
      const count = shape.reduce((a, b) => a * b, 1);
      const valueStride = int(1, 1 << bits);
      const layout: LutLayout = { bitWidth: bits, valueStride, channels, channelAxisLast: axisLast };
      const tables = Array.from({ length: channels * valueStride }, () => int(0, 255) - 128);
      const indices = Array.from({ length: count }, () => int(0, valueStride - 1));
      const block = count / channels;
      const expected = indices.map((index, i) => tables[(axisLast ? i % channels : Math.floor(i / block)) * valueStride + index]!);
      const base = tensors.length;
      const packed = packIndices(indices, bits);
      const ancillary = ancillaryBytes(layout, tables);
      tensors.push(tensor(base, `packed${base}`, [packed.length], 'uint8', packed));
      tensors.push(tensor(base + 1, `ancillary${base}`, [ancillary.length], 'uint8', ancillary));
      tensors.push(tensor(base + 2, `decoded${base}`, shape, 'int8', null, channels, axisLast ? 3 : 0));
      tensors.push(tensor(base + 3, `x${base}`, shape, 'int8', null));
      tensors.push(tensor(base + 4, `y${base}`, shape, 'int8', null));
      ops.push({ kind: 'DECODE', version: 1, inputs: [base, base + 1], outputs: [base + 2], attrs: layout, params: null });
      ops.push({ kind: 'MAXIMUM', version: 2, inputs: [base + 3, base + 2], outputs: [base + 4], attrs: {}, params: null });
      inputs.push(base + 3);
      outputs.push(base + 4);
      cases.push({ layout, shape, expected });
    }
  }
  return { graph: { name: 'decode', description: 'DECODE cases', tensors, ops, inputs, outputs, metadata: [], signatureDefs: [] }, cases };
}

describe('DECODE on every engine', () => {
  it('bit widths 1..7, byte-aligned and unaligned channel blocks and last-axis channels decode to the drawn tables', async () => {
    const { graph: built, cases } = buildModel();
    const graph = readTflite(writeTflite(built));
    const inputs = cases.map((c) => new Uint8Array(c.expected.length).fill(0x80));
    const runs = await runOnEveryEngine(graph, inputs, hostCFor('DECODE on host C'));
    for (const [engine, outs] of Object.entries(runs)) {
      cases.forEach((c, i) => {
        const got = Array.from(new Int8Array(outs[i]!.buffer, outs[i]!.byteOffset, outs[i]!.length));
        expect(got, `${engine}: ${JSON.stringify(c.layout)} shape [${c.shape}]`).toEqual(c.expected);
      });
    }
  }, 120_000);
});
