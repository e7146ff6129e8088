// PRELU from TFLM's prelu_test.cc vectors (FloatPreluActivationsOpTest, QuantizedInt8/Int16PreluActivationsOpTest):
// single-op .tflite files written and read back, alpha as a model input (as the TFLM test feeds it) and as a
// constant (as converters write it), run on the reference kernels, the wasm module (SIMD and scalar) and
// the host C build. Every engine gives the same bytes, within TFLM's tolerance of the golden values; the
// stored outputs are also checked against the values worked out by hand from TFLM's formula.
import { describe, expect, it } from 'vitest';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { runReference } from '../../src/reference/interpreter.js';
import { hostCFor, runOnEveryEngine } from '../helpers/engines.js';
import { refusal } from '../helpers/refusal.js';

interface Q { scale: number; zeroPoint: number }
const f32 = Math.fround;
const SHAPE = [2, 2, 3];
const ALPHA_SHAPE = [1, 1, 3];
const INPUT = [0, 0, 0, 0.5, 0.5, 0.5, -1, -1, -1, -0.25, -0.25, -0.25];
const ALPHA = [0, 0.5, -0.5];
const GOLDEN = [0, 0, 0, 0.5, 0.5, 0.5, 0, -0.5, 0.5, 0, -0.125, 0.125];
const TOLERANCE = 2 / 256; // kQuantizedTolerance

/** TFLM test_helpers FloatToQuantizedType: round(value / scale) + zero point, clamped to the type. */
function quantize(values: number[], q: Q, dtype: DType): number[] {
  const [lo, hi] = dtype === 'int16' ? [-32768, 32767] : [-128, 127];
  return values.map((v) => Math.min(hi, Math.max(lo, Math.sign(f32(v / f32(q.scale))) * Math.round(Math.abs(f32(v / f32(q.scale)))) + q.zeroPoint)));
}
const bytesOf = (dtype: DType, values: number[]) => new Uint8Array((dtype === 'int16' ? Int16Array : dtype === 'float32' ? Float32Array : Int8Array).from(values).buffer);
const ints = (dtype: DType, out: Uint8Array) => Array.from(dtype === 'int16' ? new Int16Array(Uint8Array.from(out).buffer) : new Int8Array(Uint8Array.from(out).buffer));

function model(dtype: DType, alphaDtype: DType, q: { x: Q; alpha: Q; out: Q } | null, alphaConstant: number[] | null, shapes = { x: SHAPE, alpha: ALPHA_SHAPE, out: SHAPE }): Graph {
  const tensor = (id: number, name: string, shape: number[], dt: DType, qq: Q | undefined, data: Uint8Array | null = null): Tensor => ({
    id, name, shape, shapeSignature: null, dtype: dt, isVariable: false, data,
    quant: qq ? { scales: [f32(qq.scale)], zeroPoints: [qq.zeroPoint], axis: 0 } : null,
  });
  const graph: Graph = {
    name: 'prelu', description: 'TFLM prelu_test vectors',
    tensors: [
      tensor(0, 'x', shapes.x, dtype, q?.x),
      tensor(1, 'alpha', shapes.alpha, alphaDtype, q?.alpha, alphaConstant ? bytesOf(alphaDtype, alphaConstant) : null),
      tensor(2, 'y', shapes.out, dtype, q?.out),
    ],
    ops: [{ kind: 'PRELU', version: 1, inputs: [0, 1], outputs: [2], attrs: {}, params: null }],
    inputs: alphaConstant ? [0] : [0, 1], outputs: [2], metadata: [], signatureDefs: [],
  };
  return readTflite(writeTflite(graph));
}

const hostC = hostCFor('PRELU on host C');

async function expectQuantized(dtype: 'int8' | 'int16', q: { x: Q; alpha: Q; out: Q }, want: number[]): Promise<void> {
  const x = bytesOf(dtype, quantize(INPUT, q.x, dtype));
  const alpha = quantize(ALPHA, q.alpha, 'int8');
  for (const constant of [false, true]) {
    const graph = model(dtype, 'int8', q, constant ? alpha : null);
    const runs = await runOnEveryEngine(graph, constant ? [x] : [x, bytesOf('int8', alpha)], hostC);
    expect(Object.keys(runs)).toEqual(hostC ? ['reference', 'wasm', 'scalar', 'c'] : ['reference', 'wasm', 'scalar']);
    for (const [engine, outs] of Object.entries(runs)) {
      const got = ints(dtype, outs[0]!);
      expect([engine, constant, got]).toEqual([engine, constant, want]);
      got.forEach((v, i) => expect(Math.abs(f32(f32(v - q.out.zeroPoint) * f32(q.out.scale)) - GOLDEN[i]!), `${engine} element ${i}`).toBeLessThanOrEqual(TOLERANCE));
    }
  }
}

describe('PRELU (TFLM prelu_test.cc)', () => {
  it('FloatPreluActivationsOpTest on the float reference', () => {
    const graph = model('float32', 'float32', null, null);
    const out = runReference(graph, [bytesOf('float32', [0, 0, 0, 1, 1, 1, -1, -1, -1, -2, -2, -2]), bytesOf('float32', [0, 1, 2])]).outputs[0]!;
    expect(Array.from(new Float32Array(Uint8Array.from(out).buffer))).toEqual([0, 0, 0, 1, 1, 1, -0, -1, -2, -0, -2, -4]);
  });

  it('QuantizedInt8PreluActivationsOpTest: scale 2/255, zero points 0, alpha [1,1,3] broadcast', async () => {
    const s = { scale: 2 / 255, zeroPoint: 0 };
    // x: 0, 64, -128, -32; alpha 0, 64, -64; negatives: x * alpha * (2/255) rounded (-64.25 -> -64, -16.06 -> -16).
    await expectQuantized('int8', { x: s, alpha: s, out: s }, [0, 0, 0, 64, 64, 64, 0, -64, 64, 0, -16, 16]);
  });

  it('QuantizedInt16PreluActivationsOpTest: int16 input/output scale 2/65535, int8 alpha scale 2/255', async () => {
    const io = { scale: 2 / 65535, zeroPoint: 0 };
    // x: 0, 16384, -32768, -8192; negatives: x * alpha * (2/255) (-16448.25 -> -16448, -4112.06 -> -4112).
    await expectQuantized('int16', { x: io, alpha: { scale: 2 / 255, zeroPoint: 0 }, out: io }, [0, 0, 0, 16384, 16384, 16384, 0, -16448, 16448, 0, -4112, 4112]);
  });

  it('zero points and a requantizing identity: x - zp >= 0 scaled by in/out, below by alpha, the output zp added', async () => {
    // in scale 0.1 zp 10, alpha scale 0.05 zp -4 (value 0.25 -> 9), out scale 0.2 zp -3; identity multiplier 0.5, alpha one 0.025.
    const q = { x: { scale: 0.1, zeroPoint: 10 }, alpha: { scale: 0.05, zeroPoint: -4 }, out: { scale: 0.2, zeroPoint: -3 } };
    const graph = model('int8', 'int8', q, [9], { x: [5], alpha: [1], out: [5] });
    const runs = await runOnEveryEngine(graph, [bytesOf('int8', [10, 13, 50, 9, -118])], hostC);
    // v = x - 10: 0 -> -3; 3 -> round(1.5)=2 -> -1; 40 -> 20 -> 17; -1 -> round(-1 * 13 * 0.025 = -0.325)=0 -> -3; -128 -> round(-41.6)=-42 -> -45.
    for (const [engine, outs] of Object.entries(runs)) expect([engine, ints('int8', outs[0]!)]).toEqual([engine, [-3, -1, 17, -3, -45]]);
  });
});

describe('PRELU refusals (TFLM Prepare)', () => {
  const s = { scale: 0.01, zeroPoint: 0 };
  it('an int16 input with an int16 alpha is E_UNSUPPORTED: TFLM requires an int8 alpha', () => {
    const e = refusal(() => model('int16', 'int16', { x: s, alpha: s, out: s }, null));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toMatch(/^PRELU \(node 0\).*dtype int16 is not supported \(expected int8\)/);
  });
  it('an alpha that does not broadcast against the input is E_MODEL_FORMAT', () => {
    const e = refusal(() => model('int8', 'int8', { x: s, alpha: s, out: s }, null, { x: SHAPE, alpha: [2], out: SHAPE }));
    expect(e.code).toBe('E_MODEL_FORMAT');
    expect(e.message).toMatch(/^PRELU \(node 0\)/);
  });
});
