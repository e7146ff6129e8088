// The 16x8 kernels' accumulator at its limit: int16 x int8 products summed in int32 partial sums of at most
// 256 taps (|product| <= 2^22, so a partial sum is at most 2^30) added into int64, which is TFLM's 64-bit
// accumulator exactly. Windows of 289 to 2700 taps of the extreme product -32768 x -128 = 2^22 overflow
// int32 from the 512th tap on; each output is (taps x 2^22) x 2^-22 = its tap count, computed by hand here.
// Checked on the reference, the wasm library (SIMD with and without tables, scalar), the C kernels on the
// host with ASan + UBSan and on QEMU's Cortex-M4F (the SMLAD paths).
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { runDefault, singleOpGraph } from '../plan/overlap-harness.js';
import { kernelEngineTests } from './kernel-engines.js';

const FULL16: [number, number] = [-32768, 32767];
const IN_SCALE = 2 ** -10, W_SCALE = 2 ** -7;
/** Output scale making the requantization multiplier in x w / out exactly 2^-22: the output is acc / 2^22. */
const OUT_SCALE = IN_SCALE * W_SCALE * 2 ** 22;
const X_MIN = -32768, W_MIN = -128;

const filled = (n: number, v: number) => new Array<number>(n).fill(v);

/** FULLY_CONNECTED: 600 taps per unit (flushed at 256 and 512), 6 units (a block of 4 and a tail of 2). */
function fullyConnected(): Graph {
  const depth = 600, units = 6;
  return singleOpGraph('FULLY_CONNECTED', { clamp: FULL16, keepNumDims: false }, [
    { shape: [1, depth], dtype: 'int16', scale: IN_SCALE, zp: 0 },
    { shape: [units, depth], scale: W_SCALE, values: filled(units * depth, W_MIN) },
    null,
  ], { shape: [1, units], dtype: 'int16', scale: OUT_SCALE, zp: 0 });
}

/** CONV_2D 3x3 over 300 channels, padding 1: 4, 6 or 9 taps of 300 in a window (rows of 900 > 256 taps). */
function conv(): Graph {
  const c = 300, cout = 5;
  return singleOpGraph('CONV_2D', { stride: [1, 1], dilation: [1, 1], pad: { top: 1, bottom: 1, left: 1, right: 1 }, clamp: FULL16 }, [
    { shape: [1, 3, 3, c], dtype: 'int16', scale: IN_SCALE, zp: 0 },
    { shape: [cout, 3, 3, c], scale: filled(cout, W_SCALE), axis: 0, values: filled(cout * 9 * c, W_MIN) },
    null,
  ], { shape: [1, 3, 3, cout], dtype: 'int16', scale: OUT_SCALE, zp: 0 });
}

/** DEPTHWISE_CONV_2D 17x17 (289 taps a channel), 9 channels. */
function depthwise(): Graph {
  const c = 9;
  return singleOpGraph('DEPTHWISE_CONV_2D', { stride: [1, 1], dilation: [1, 1], pad: { top: 0, bottom: 0, left: 0, right: 0 }, clamp: FULL16, depthMultiplier: 1 }, [
    { shape: [1, 17, 17, c], dtype: 'int16', scale: IN_SCALE, zp: 0 },
    { shape: [1, 17, 17, c], scale: filled(c, W_SCALE), axis: 3, values: filled(289 * c, W_MIN) },
    null,
  ], { shape: [1, 1, 1, c], dtype: 'int16', scale: OUT_SCALE, zp: 0 });
}

const int16Bytes = (values: number[]) => new Uint8Array(Int16Array.from(values).buffer);
const inputOf = (g: Graph) => new Map([[0, int16Bytes(filled(g.tensors[g.ops[0]!.inputs[0]!]!.shape.reduce((a, b) => a * b, 1), X_MIN))]]);

/** name, graph, the outputs by hand: taps per output (x 2^22 x 2^-22). */
const CASES: Array<[string, Graph, number[]]> = [
  ['FULLY_CONNECTED 16x8, 600 taps', fullyConnected(), filled(6, 600)],
  ['CONV_2D 16x8, 3x3 x 300 channels padded', conv(), [4, 6, 4, 6, 9, 6, 4, 6, 4].flatMap((taps) => filled(5, taps * 300))],
  ['DEPTHWISE_CONV_2D 16x8, 17x17 taps', depthwise(), filled(9, 289)],
];
const cases = CASES.map(([name, graph, want]) => ({ name, graph, inputs: inputOf(graph), want: int16Bytes(want) }));

describe('16x8 accumulators past 2^31 (int32 partial sums of 256 taps into int64)', () => {
  it('the reference gives the hand-computed outputs', () => {
    for (const c of cases) expect(Buffer.compare(runDefault(c.graph, c.inputs), c.want), c.name).toBe(0);
  });

  kernelEngineTests(cases, {
    tool: '16x8 accumulators', seed: 0x3c,
    wasm: 'the wasm library gives them (SIMD with and without tables, scalar)',
    host: 'the C kernels give them on the host with ASan + UBSan',
    qemu: "the C kernels give them on QEMU's Cortex-M4F (SMLAD paths)",
  });
});
