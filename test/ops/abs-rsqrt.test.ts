// ABS (int8, int16) and RSQRT (int8) from TFLM's elementwise_test.cc vectors: single-op .tflite files
// written and read back, run on the reference kernels, the wasm module (SIMD and scalar) and the host C
// build. TFLM's test checks each dequantized output within one input scale of its golden value; every
// engine must pass that check and give the same bytes.
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { prepareHostC } from '../../src/cli/engines/c.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { runReference } from '../../src/reference/interpreter.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

type Kind = 'ABS' | 'RSQRT';
interface Q { scale: number; zeroPoint: number }

const f32 = Math.fround;

function model(kind: Kind, dtype: DType, shape: number[], inQ: Q | null, outQ: Q | null, version = dtype === 'int16' ? 3 : 2): Uint8Array {
  const tensor = (id: number, name: string, q: Q | null): Tensor => ({
    id, name, shape, shapeSignature: null, dtype, quant: q && { scales: [f32(q.scale)], zeroPoints: [q.zeroPoint], axis: 0 }, isVariable: false, data: null,
  });
  const graph: Graph = {
    name: kind.toLowerCase(), description: 'TFLM elementwise_test vectors',
    tensors: [tensor(0, 'x', inQ), tensor(1, 'y', outQ)],
    ops: [{ kind, version, inputs: [0], outputs: [1], attrs: {}, params: null }],
    inputs: [0], outputs: [1], metadata: [], signatureDefs: [],
  };
  return writeTflite(graph);
}

/** TFLM test_helpers FloatToQuantizedType: round(value / scale) + zero point, clamped to the type. */
function quantize(values: number[], q: Q, dtype: DType): Uint8Array {
  const [lo, hi] = dtype === 'int16' ? [-32768, 32767] : [-128, 127];
  const ints = values.map((v) => Math.min(hi, Math.max(lo, Math.sign(f32(v / f32(q.scale))) * Math.round(Math.abs(f32(v / f32(q.scale)))) + q.zeroPoint)));
  return dtype === 'int16' ? new Uint8Array(Int16Array.from(ints).buffer) : new Uint8Array(Int8Array.from(ints).buffer);
}

function ints(out: Uint8Array, dtype: DType): number[] {
  return Array.from(dtype === 'int16' ? new Int16Array(out.buffer, out.byteOffset, out.length / 2) : new Int8Array(out.buffer, out.byteOffset, out.length));
}

const hostC = hostCFor('ABS/RSQRT on host C');

/** TFLM's TestElementwiseQuantized: on every engine, each output within input_scale of golden; all engines the same bytes. */
async function expectEverywhere(kind: Kind, dtype: DType, input: number[], golden: number[], inQ: Q, outQ: Q): Promise<number[]> {
  const shape = [1, input.length];
  const runs = await runOnEveryEngine(readTflite(model(kind, dtype, shape, inQ, outQ)), [quantize(input, inQ, dtype)], hostC);
  const reference = ints(runs.reference![0]!, dtype);
  for (const [engine, outs] of Object.entries(runs)) {
    const got = ints(outs[0]!, dtype);
    expect([engine, got]).toEqual([engine, reference]);
    got.forEach((q, i) => {
      const real = f32(f32(q - outQ.zeroPoint) * f32(outQ.scale));
      expect(Math.abs(real - golden[i]!), `${engine} element ${i}: ${real} vs ${golden[i]}`).toBeLessThanOrEqual(f32(inQ.scale));
    });
  }
  return reference;
}

const ABS_INPUT = [15, 46, 78, -142, -1, -17, -49, 113];
const ABS_GOLDEN = [15, 46, 78, 142, 1, 17, 49, 113];
const RSQRT_INPUT = [15, 46, 78, 142, 1, 17, 49, 113];
const RSQRT_GOLDEN = [0.2582, 0.14744, 0.11323, 0.08392, 1, 0.24254, 0.142857, 0.09407];

describe('ABS (TFLM elementwise_test.cc)', () => {
  it('AbsInt8: input scale 255/255 zero point 14, output scale 142/255 zero point -128', async () => {
    await expectEverywhere('ABS', 'int8', ABS_INPUT, ABS_GOLDEN, { scale: f32(255 / 255), zeroPoint: 127 - 113 }, { scale: f32(142 / 255), zeroPoint: -128 });
  });

  it('AbsInt8SameScale: no requantization, |x - 14| - 128 exactly', async () => {
    const q = { scale: f32(255 / 255), zeroPoint: 14 };
    const got = await expectEverywhere('ABS', 'int8', ABS_INPUT, ABS_GOLDEN, q, { scale: q.scale, zeroPoint: -128 });
    // Scale 1: each output is its golden value minus 128, the stored value TFLM's test allows alone (tolerance 1 around an integer).
    expect(got).toEqual(ABS_GOLDEN.map((g) => Math.min(127, g - 128)));
  });

  it('AbsInt16: zero points 0, input scale 142/32767, output scale 150/32767', async () => {
    await expectEverywhere('ABS', 'int16', ABS_INPUT, ABS_GOLDEN, { scale: f32(142 / 32767), zeroPoint: 0 }, { scale: f32(150 / 32767), zeroPoint: 0 });
  });

  it('unquantized int16 (converter v4) is std::abs as TFLM\'s AbsHelper: -32768 stays -32768 (the quantized path clamps to 32767)', async () => {
    const x = [...ABS_INPUT, -32768, 32767, -32767, 0];
    const runs = await runOnEveryEngine(readTflite(model('ABS', 'int16', [1, x.length], null, null, 4)), [new Uint8Array(Int16Array.from(x).buffer)], hostC);
    expect(Object.keys(runs)).toContain('wasm');
    for (const [engine, outs] of Object.entries(runs)) expect([engine, ints(outs[0]!, 'int16')]).toEqual([engine, [...ABS_GOLDEN, -32768, 32767, 32767, 0]]);
    // the quantized int16 path keeps its clamp: |-32768| is 32767 there
    const q = { scale: 0.01, zeroPoint: 0 };
    expect(ints(runReference(readTflite(model('ABS', 'int16', [1], q, q)), [new Uint8Array(Int16Array.of(-32768).buffer)]).outputs[0]!, 'int16')).toEqual([32767]);
  });

  it('int16 with a non-zero zero point is refused as TFLM Prepare does', () => {
    const e = refusal(() => readTflite(model('ABS', 'int16', [4], { scale: 0.01, zeroPoint: 3 }, { scale: 0.01, zeroPoint: 0 })));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^ABS \(node 0\).*int16 needs zero points of 0 \(has 3 and 0\)/);
  });
});

describe('RSQRT int8 (TFLM elementwise_test.cc)', () => {
  const inQ = { scale: f32(142 / 255), zeroPoint: 127 - 142 };

  it('RsqrtInt8: input scale 142/255 zero point -15, output scale 1/255 zero point -128', async () => {
    await expectEverywhere('RSQRT', 'int8', RSQRT_INPUT, RSQRT_GOLDEN, inQ, { scale: f32(1 / 255), zeroPoint: -128 });
  });

  it('RsqrtCloseTo0Int8: 0.1 quantizes to the zero point and gives the largest output', async () => {
    const input = [15, 46, 78, 142, 1, 0.1, 49, 113];
    const golden = [0.2582, 0.14744, 0.11323, 0.08392, 1, 3.16228, 0.142857, 0.09407];
    const got = await expectEverywhere('RSQRT', 'int8', input, golden, inQ, { scale: f32(3.16 / 255), zeroPoint: -128 });
    expect(got[5]).toBe(127);
  });

  it('RsqrtNanInt8: a negative input fails the invoke (reference E_INPUT_DATA, C status), as TFLM returns kTfLiteError', async () => {
    const input = [15, 46, 78, 142, 1, 17, -49, 113];
    const graph = readTflite(model('RSQRT', 'int8', [1, 8], inQ, { scale: f32(1 / 255), zeroPoint: -128 }));
    const bytes = quantize(input, inQ, 'int8');
    const e = refusal(() => runReference(graph, [bytes]));
    expect(e.code).toBe('E_INPUT_DATA');
    expect(e.message).toMatch(/^RSQRT: input element 6 is -103, below the zero point -15/);
    if (!hostC) return;
    const prepared = prepareHostC(scheduleOf(planModel(graph, { backend: 'c' }).plan), { sanitize: true, timeoutMs: 60_000 });
    try {
      expect(() => prepared.run([bytes])).toThrow(/invoke of record 0 failed with status 2/);
      // The same file without the negative element runs.
      expect(prepared.run([quantize(RSQRT_INPUT, inQ, 'int8')]).outputs).toHaveLength(1);
    } finally {
      prepared.dispose();
    }
  });

  it('int16 is refused: TFLM registers RSQRT for float32 and int8', () => {
    const e = refusal(() => readTflite(model('RSQRT', 'int16', [4], { scale: 0.01, zeroPoint: 0 }, { scale: 0.01, zeroPoint: 0 }, 2)));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^RSQRT \(node 0\).*input dtype int16 is not supported \(supported: int8\)/);
  });
});
