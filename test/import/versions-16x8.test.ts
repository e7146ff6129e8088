// TFLM never reads an operator's version: a 16x8 model from TFLite's converter carries the versions
// op_version.cc gives its int16 ops (ADD 3, SUB 5, QUANTIZE 2, DEQUANTIZE 3, RELU/RELU6/MEAN/PAD/PADV2/
// CONCATENATION 3, TRANSPOSE 5, RESIZE_NEAREST_NEIGHBOR 4, the pools 3, DEPTHWISE_CONV_2D 5, MUL 4), and tinyforge must not refuse them
// where it runs the int16 op (and the 5-D TRANSPOSE of version 4 that accepting 5 lets through). Each case is written as a one-op file at that version, read back, and run on
// the reference, wasm (SIMD and scalar) and host C engines, which must agree. The versions whose meaning
// is not implemented stay refused with the op, node and version named.
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import type { Graph } from '../../src/ir/graph.js';
import { elementCount } from '../../src/ir/shapes.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';
import { singleOpGraph } from '../plan/overlap-harness.js';

const I16 = { dtype: 'int16' as const, zp: 0 };
const FULL16: [number, number] = [-32768, 32767];

/** [label, converter version, graph]. */
const CASES: Array<[string, number, () => Graph]> = [
  ['ADD int16 (non-POT scales)', 3, () => singleOpGraph('ADD', { clamp: FULL16 }, [{ shape: [1, 4, 4, 3], scale: 0.0003, ...I16 }, { shape: [1, 4, 4, 3], scale: 0.0005, ...I16 }], { shape: [1, 4, 4, 3], scale: 0.0007, ...I16 })],
  ['SUB int16 (non-POT scales)', 5, () => singleOpGraph('SUB', { clamp: FULL16 }, [{ shape: [1, 4, 4, 3], scale: 0.0003, ...I16 }, { shape: [1, 1, 1, 3], scale: 0.0005, ...I16 }], { shape: [1, 4, 4, 3], scale: 0.0007, ...I16 })],
  ['QUANTIZE float32 -> int16', 2, () => singleOpGraph('QUANTIZE', {}, [{ shape: [2, 8], dtype: 'float32' }], { shape: [2, 8], scale: 0.001, ...I16 })],
  ['DEQUANTIZE int16 -> float32', 3, () => singleOpGraph('DEQUANTIZE', {}, [{ shape: [2, 8], scale: 0.001, ...I16 }], { shape: [2, 8], dtype: 'float32' })],
  ['RELU int16', 3, () => singleOpGraph('RELU', {}, [{ shape: [2, 8], scale: 0.001, ...I16 }], { shape: [2, 8], scale: 0.002, ...I16 })],
  ['RELU6 int16', 3, () => singleOpGraph('RELU6', {}, [{ shape: [2, 8], scale: 0.001, ...I16 }], { shape: [2, 8], scale: 0.001, ...I16 })],
  ['MEAN int16', 3, () => singleOpGraph('MEAN', { axes: [1, 2], keepDims: true }, [{ shape: [1, 4, 4, 3], scale: 0.001, ...I16 }, { shape: [2], dtype: 'int32', values: [1, 2] }], { shape: [1, 1, 1, 3], scale: 0.001, ...I16 })],
  ['PAD int16', 3, () => singleOpGraph('PAD', { paddings: [[0, 0], [1, 1], [2, 0], [0, 0]] }, [{ shape: [1, 3, 3, 2], scale: 0.001, ...I16 }, { shape: [4, 2], dtype: 'int32', values: [0, 0, 1, 1, 2, 0, 0, 0] }], { shape: [1, 5, 5, 2], scale: 0.001, ...I16 })],
  ['CONCATENATION int16', 3, () => singleOpGraph('CONCATENATION', { axis: 3, clamp: FULL16 }, [{ shape: [1, 2, 2, 3], scale: 0.001, ...I16 }, { shape: [1, 2, 2, 2], scale: 0.001, ...I16 }], { shape: [1, 2, 2, 5], scale: 0.001, ...I16 })],
  ['TRANSPOSE int16', 5, () => singleOpGraph('TRANSPOSE', { perm: [0, 2, 1, 3] }, [{ shape: [1, 3, 4, 2], scale: 0.001, ...I16 }, { shape: [4], dtype: 'int32', values: [0, 2, 1, 3] }], { shape: [1, 4, 3, 2], scale: 0.001, ...I16 })],
  ['TRANSPOSE 5-D (int8)', 4, () => singleOpGraph('TRANSPOSE', { perm: [4, 0, 2, 1, 3] }, [{ shape: [2, 3, 2, 4, 3], scale: 0.1, zp: 1 }, { shape: [5], dtype: 'int32', values: [4, 0, 2, 1, 3] }], { shape: [3, 2, 2, 3, 4], scale: 0.1, zp: 1 })],
  ['RESIZE_NEAREST_NEIGHBOR int16', 4, () => singleOpGraph('RESIZE_NEAREST_NEIGHBOR', { alignCorners: false, halfPixelCenters: false }, [{ shape: [1, 2, 3, 2], scale: 0.001, ...I16 }, { shape: [2], dtype: 'int32', values: [4, 6] }], { shape: [1, 4, 6, 2], scale: 0.001, ...I16 })],
  ['DEPTHWISE_CONV_2D 16x8', 5, () => singleOpGraph('DEPTHWISE_CONV_2D', { stride: [1, 1], dilation: [1, 1], pad: { top: 1, bottom: 1, left: 1, right: 1 }, clamp: FULL16, depthMultiplier: 2 }, [
    { shape: [1, 4, 4, 3], scale: 0.0005, ...I16 },
    { shape: [1, 3, 3, 6], scale: [0.01, 0.02, 0.015, 0.01, 0.02, 0.015], axis: 3, values: Array.from({ length: 54 }, (_, i) => ((i * 37) % 255) - 127) },
    { shape: [6], dtype: 'int64', scale: [0.01, 0.02, 0.015, 0.01, 0.02, 0.015].map((s) => s * 0.0005), values: [1000, -2000, 300, 0, 45000, -7] },
  ], { shape: [1, 4, 4, 6], scale: 0.002, ...I16 })],
  ['MUL int16', 4, () => singleOpGraph('MUL', { clamp: FULL16 }, [{ shape: [1, 4, 4, 3], scale: 0.0003, ...I16 }, { shape: [1, 1, 1, 3], scale: 0.0005, ...I16 }], { shape: [1, 4, 4, 3], scale: 0.0007, ...I16 })],
];

const hostC = hostCFor('16x8 op versions on host C');

/** Seeded input bytes for every graph input (float32 inputs as floats in [-20, 20]). */
function inputsOf(graph: Graph): Uint8Array[] {
  let seed = 5;
  const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return graph.inputs.map((id) => {
    const t = graph.tensors[id]!;
    const n = elementCount(t.shape);
    if (t.dtype === 'float32') return new Uint8Array(Float32Array.from({ length: n }, () => next() * 40 - 20).buffer);
    if (t.dtype === 'int8') return new Uint8Array(Int8Array.from({ length: n }, () => Math.floor(next() * 256) - 128).buffer);
    return new Uint8Array(Int16Array.from({ length: n }, () => Math.floor(next() * 65536) - 32768).buffer);
  });
}

describe("the versions TFLite's converter writes for the 16x8 ops tinyforge runs", () => {
  for (const [label, version, make] of CASES) {
    it(`${label} v${version}: read, and every engine agrees`, async () => {
      const built = make();
      const file = writeTflite({ ...built, ops: [{ ...built.ops[0]!, version }] as Graph['ops'] });
      const graph = readTflite(file);
      expect(graph.ops[0]!.version).toBe(version);
      const runs = await runOnEveryEngine(graph, inputsOf(graph), hostC);
      expect(Object.keys(runs).length).toBeGreaterThanOrEqual(3);
      for (const [engine, outs] of Object.entries(runs)) expect([engine, Buffer.from(outs[0]!)]).toEqual([engine, Buffer.from(runs.reference![0]!)]);
    });
  }

  it('the next versions, whose meaning is not implemented, stay refused by name, node and version', () => {
    const cases: Array<[Graph, number, RegExp]> = [
      [CASES[2]![2](), 3, /unsupported operator QUANTIZE \(v3\) at node 0; supported up to v2/],
      [CASES[0]![2](), 4, /unsupported operator ADD \(v4\) at node 0; supported up to v3/],
      [CASES[9]![2](), 6, /unsupported operator TRANSPOSE \(v6\) at node 0; supported up to v5/],
      [CASES[12]![2](), 6, /unsupported operator DEPTHWISE_CONV_2D \(v6\) at node 0; supported up to v5/],
      [CASES[13]![2](), 5, /unsupported operator MUL \(v5\) at node 0; supported up to v4/],
    ];
    for (const [built, version, message] of cases) {
      const e = refusal(() => readTflite(writeTflite({ ...built, ops: [{ ...built.ops[0]!, version }] as Graph['ops'] })));
      expect(e.code).toBe('E_UNSUPPORTED');
      expect(e.message).toMatch(message);
    }
  });

  it('an int16 CONCATENATION with a fused activation is refused, as TFLM does', () => {
    const e = refusal(() => singleOpGraph('CONCATENATION', { axis: 1, clamp: [0, 32767] }, [{ shape: [1, 2], scale: 0.001, ...I16 }, { shape: [1, 2], scale: 0.001, ...I16 }], { shape: [1, 4], scale: 0.001, ...I16 }));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/CONCATENATION \(node 0\): fused activation \(clamp \[0, 32767\]\) is not supported/);
  });
});
