// Requantization multipliers at the edge of what TFLM's MultiplyByQuantizedMultiplier supports
// (src/ir/params/multiplier.ts): per op kind, the last accepted shift (30 to the left; -31 to the right;
// below 2^-32 the multiplier becomes 0) runs on every engine with identical bytes — the reference, the
// wasm library (SIMD with and without its requantization tables, scalar), the C kernels on the host
// with ASan + UBSan and on QEMU's Cortex-M4F (DSP paths) — and the first refused one is a typed error
// naming the op, node, tensor and shift.
import { describe, expect, it } from 'vitest';
import { TinyforgeError } from '../../src/errors.js';
import type { DType, Graph } from '../../src/ir/graph.js';
import { rng, runDefault, randomInputs, singleOpGraph, type TSpec } from '../plan/overlap-harness.js';
import { kernelEngineTests } from './kernel-engines.js';

const FULL: [number, number] = [-128, 127];
const IN_SCALE = 0.5;
const OUT_SCALE = 2 ** -31;
/** A filter scale making in * filter / out = 0.75 * 2^shift (QuantizeMultiplier's shift) with IN_SCALE and OUT_SCALE. */
const filterScale = (shift: number) => 0.75 * 2 ** (shift - 30);
/** An output scale making 0.75 / out = 0.75 * 2^shift. */
const outFor = (shift: number) => 2 ** -shift;

function conv(kind: 'CONV_2D' | 'DEPTHWISE_CONV_2D', shifts: number[], seed: number): Graph {
  const r = rng(seed);
  const c = shifts.length;
  const scales = shifts.map(filterScale);
  const pad = { top: 1, bottom: 1, left: 1, right: 1 };
  const common = { stride: [1, 1] as [number, number], dilation: [1, 1] as [number, number], pad, clamp: FULL };
  const filter: TSpec = kind === 'CONV_2D'
    ? { shape: [c, 3, 3, c], scale: scales, axis: 0, values: r.ints(c * 9 * c, -127, 127) }
    : { shape: [1, 3, 3, c], scale: scales, axis: 3, values: r.ints(9 * c, -127, 127) };
  const inputs: TSpec[] = [
    { shape: [1, 4, 6, c], scale: IN_SCALE, zp: 3 },
    filter,
    { shape: [c], dtype: 'int32', scale: scales.map((s) => s * IN_SCALE), values: r.ints(c, -3000, 3000) },
  ];
  const out: TSpec = { shape: [1, 4, 6, c], scale: OUT_SCALE, zp: -5 };
  return kind === 'CONV_2D' ? singleOpGraph('CONV_2D', common, inputs, out) : singleOpGraph('DEPTHWISE_CONV_2D', { ...common, depthMultiplier: 1 }, inputs, out);
}

function fullyConnected(weightScale: number | number[], seed: number): Graph {
  const r = rng(seed);
  const units = Array.isArray(weightScale) ? weightScale.length : 3;
  const ws = Array.isArray(weightScale) ? weightScale : new Array<number>(units).fill(weightScale);
  return singleOpGraph('FULLY_CONNECTED', { clamp: FULL, keepNumDims: false }, [
    { shape: [2, 9], scale: IN_SCALE, zp: -7 },
    { shape: [units, 9], scale: weightScale, values: r.ints(units * 9, -127, 127) },
    { shape: [units], dtype: 'int32', scale: ws.map((s) => s * IN_SCALE), values: r.ints(units, -3000, 3000) },
  ], { shape: [2, units], scale: OUT_SCALE, zp: 4 });
}

const shape = [2, 3, 5];
const t = (scale: number, zp = 0, dtype: DType = 'int8'): TSpec => ({ shape, dtype, scale, zp });

/** Accepted boundary models: name, graph. */
const ACCEPTED: Array<[string, () => Graph]> = [
  ['CONV_2D shifts 30, 1, 0, -1 (left shifts: the integer path)', () => conv('CONV_2D', [30, 1, 0, -1], 1)],
  ['CONV_2D shifts -2 .. -31, -32 and -40 zeroed (the one-multiply path)', () => conv('CONV_2D', [-2, -3, -23, -24, -30, -31, -32, -40], 2)],
  ['DEPTHWISE_CONV_2D shifts 30, 1, 0, -1', () => conv('DEPTHWISE_CONV_2D', [30, 1, 0, -1], 3)],
  ['DEPTHWISE_CONV_2D shifts -2 .. -31, -32 and -40 zeroed', () => conv('DEPTHWISE_CONV_2D', [-2, -3, -23, -24, -30, -31, -32, -40], 4)],
  ['FULLY_CONNECTED per-tensor shift 30', () => fullyConnected(filterScale(30), 5)],
  ['FULLY_CONNECTED per-tensor shift -31', () => fullyConnected(filterScale(-31), 6)],
  ['FULLY_CONNECTED per-tensor shift -32 zeroed', () => fullyConnected(filterScale(-32), 7)],
  ['FULLY_CONNECTED per-channel shifts 30, 0, -31, -32', () => fullyConnected([30, 0, -31, -32].map(filterScale), 8)],
  ['MUL shift 30', () => singleOpGraph('MUL', { clamp: FULL }, [t(0.5, 3), t(0.75, -2)], t(2 ** -31, 1))],
  ['MUL shift -31', () => singleOpGraph('MUL', { clamp: FULL }, [t(0.5, 3), t(0.75, -2)], t(2 ** 31, 1))],
  ['RELU shift 30', () => singleOpGraph('RELU', {}, [t(0.75, 5)], t(outFor(30), -3))],
  ['RELU shift -31', () => singleOpGraph('RELU', {}, [t(0.75, 5)], t(outFor(-31), -3))],
  ['RELU shift -32 zeroed', () => singleOpGraph('RELU', {}, [t(0.75, 5)], t(outFor(-32), -3))],
  ['RELU int16 shift 30', () => singleOpGraph('RELU', {}, [t(0.75, 0, 'int16')], t(outFor(30), 0, 'int16'))],
  ['RELU_N1_TO_1 shift 30', () => singleOpGraph('RELU_N1_TO_1', {}, [t(0.75, 5)], t(outFor(30), -3))],
  ['LEAKY_RELU identity shift 30, alpha shift 29', () => singleOpGraph('LEAKY_RELU', { alpha: 0.5 }, [t(0.75, 5)], t(outFor(30), -3))],
  ['LEAKY_RELU identity shift -31', () => singleOpGraph('LEAKY_RELU', { alpha: 0.5 }, [t(0.75, 5)], t(outFor(-31), -3))],
  ['QUANTIZE int8->int8 shift 30', () => singleOpGraph('QUANTIZE', {}, [t(0.75, 5)], t(outFor(30), -3))],
  ['QUANTIZE int8->int8 shift -31', () => singleOpGraph('QUANTIZE', {}, [t(0.75, 5)], t(outFor(-31), -3))],
  ['QUANTIZE int16->int16 shift 30', () => singleOpGraph('QUANTIZE', {}, [t(0.75, 0, 'int16')], t(outFor(30), 0, 'int16'))],
  ['QUANTIZE int8->int32 shift 30', () => singleOpGraph('QUANTIZE', {}, [t(0.75, 5)], t(outFor(30), 0, 'int32'))],
  // ADD / SUB: QuantizeMultiplierSmallerThanOneExp, right shifts only; below 2^-32 a multiplier is 0.
  ['ADD input 1 zeroed, output shift -31', () => singleOpGraph('ADD', { clamp: FULL }, [t(0.75 * 2 ** -40, 3), t(1, -2)], t(2 ** 12 / 0.75, 1))],
  ['SUB input 2 zeroed, output shift -31', () => singleOpGraph('SUB', { clamp: FULL }, [t(1, 3), t(0.75 * 2 ** -40, -2)], t(2 ** 12 / 0.75, 1))],
  ['ADD output zeroed', () => singleOpGraph('ADD', { clamp: FULL }, [t(0.5, 3), t(1, -2)], t(2 ** 14, 1))],
  // LOGISTIC / TANH: frexp(input scale * 2^27) = q * 2^shift, shift up to 62; from 31 on the input radius is 0.
  ['LOGISTIC input shift 30', () => singleOpGraph('LOGISTIC', {}, [t(0.75 * 2 ** 3, 5)], t(1 / 256, -128))],
  ['LOGISTIC input shift 31', () => singleOpGraph('LOGISTIC', {}, [t(0.75 * 2 ** 4, 5)], t(1 / 256, -128))],
  ['TANH input shift 62', () => singleOpGraph('TANH', {}, [t(0.75 * 2 ** 35, 5)], t(1 / 128, 0))],
  ['TANH input shift 0', () => singleOpGraph('TANH', {}, [t(0.75 * 2 ** -27, 5)], t(1 / 128, 0))],
  // SOFTMAX: beta * scale * 2^26 capped at 2^31 - 1, a left shift of 31 where only the maximum passes diff_min.
  ['SOFTMAX capped multiplier (shift 31)', () => singleOpGraph('SOFTMAX', { beta: 1 }, [t(64, 5)], t(1 / 256, -128))],
  ['SOFTMAX shift 1', () => singleOpGraph('SOFTMAX', { beta: 1 }, [t(0.75 * 2 ** -25, 5)], t(1 / 256, -128))],
  // HARD_SWISH: the reluish exponent up to 31 (a saturating left shift by 30), the output's down to -31 and zeroed.
  ['HARD_SWISH reluish shift 31', () => singleOpGraph('HARD_SWISH', {}, [t(2.25 * 2 ** 23, 5)], t(2.25 * 2 ** 17, -3))],
  ['HARD_SWISH output shift -31', () => singleOpGraph('HARD_SWISH', {}, [t(0.75, 5)], t(2 ** 24, -3))],
  ['HARD_SWISH output shift -32 zeroed', () => singleOpGraph('HARD_SWISH', {}, [t(0.75, 5)], t(2 ** 25, -3))],
  // 4 elements per mean: QuantizedMeanOrSum takes 2 off the shift, so 32 in QuantizeMultiplier is 30 in the kernel.
  ['MEAN shift 32 - 2 = 30', () => singleOpGraph('MEAN', { axes: [1], keepDims: false }, [{ shape: [3, 4, 2], scale: 0.75, zp: 5 }, { shape: [1], dtype: 'int32', values: [1] }], { shape: [3, 2], scale: outFor(32), zp: -3 })],
];

/** Refused models: name, graph, what the message must say, the shift in details. */
const REFUSED: Array<[string, () => Graph, RegExp, number | null]> = [
  ['CONV_2D channel 1 shift 31', () => conv('CONV_2D', [30, 31, 0, -1], 11), /^CONV_2D \(node 0\), tensor 't3' \(#3\): channel 1 output multiplier 1610612736 needs a shift of 31 \(TFLM's MultiplyByQuantizedMultiplier shifts left by at most 30\)$/, 31],
  ['CONV_2D output scale 1e-15 (issue #18)', () => singleOpGraph('CONV_2D', { stride: [1, 1], dilation: [1, 1], pad: { top: 0, bottom: 0, left: 0, right: 0 }, clamp: FULL }, [
    { shape: [1, 2, 2, 2], scale: 0.02, zp: 0 }, { shape: [2, 1, 1, 2], scale: [0.01, 0.01], axis: 0, values: [1, 2, 3, 4] }, null,
  ], { shape: [1, 2, 2, 2], scale: 1e-15, zp: 0 }), /^CONV_2D \(node 0\), tensor 't2' \(#2\): channel 0 output multiplier \S+ needs a shift of 38 /, 38],
  ['DEPTHWISE_CONV_2D channel 3 shift 31', () => conv('DEPTHWISE_CONV_2D', [0, 0, 0, 31], 12), /^DEPTHWISE_CONV_2D \(node 0\), tensor 't3' \(#3\): channel 3 output multiplier 1610612736 needs a shift of 31 /, 31],
  ['FULLY_CONNECTED per-tensor shift 31', () => fullyConnected(filterScale(31), 13), /^FULLY_CONNECTED \(node 0\), tensor 't3' \(#3\): output multiplier 1610612736 needs a shift of 31 /, 31],
  ['FULLY_CONNECTED per-channel shift 31', () => fullyConnected([0, 31].map(filterScale), 14), /channel 1 output multiplier 1610612736 needs a shift of 31 /, 31],
  ['FULLY_CONNECTED float32 input x weights scale overflows', () => singleOpGraph('FULLY_CONNECTED', { clamp: FULL, keepNumDims: false }, [
    { shape: [1, 2], scale: 1e30, zp: 0 }, { shape: [1, 2], scale: 1e30, values: [1, 2] }, null,
  ], { shape: [1, 1], scale: 1, zp: 0 }), /^FULLY_CONNECTED \(node 0\), tensor 't2' \(#2\): output multiplier Infinity is not finite$/, null],
  ['MUL shift 31', () => singleOpGraph('MUL', { clamp: FULL }, [t(0.5, 3), t(0.75, -2)], t(2 ** -32, 1)), /^MUL \(node 0\), tensor 't2' \(#2\): output multiplier 1610612736 needs a shift of 31 /, 31],
  ['RELU shift 31', () => singleOpGraph('RELU', {}, [t(0.75, 5)], t(outFor(31), -3)), /^RELU \(node 0\), tensor 't1' \(#1\): output \(input scale \/ output scale\) multiplier 1610612736 needs a shift of 31 /, 31],
  ['RELU output scale 1e-12 (issue #18)', () => singleOpGraph('RELU', {}, [t(0.05, 5)], t(1e-12, -3)), /^RELU \(node 0\), tensor 't1' \(#1\): output .* needs a shift of 36 /, 36],
  ['RELU_N1_TO_1 shift 31', () => singleOpGraph('RELU_N1_TO_1', {}, [t(0.75, 5)], t(outFor(31), -3)), /needs a shift of 31 /, 31],
  ['LEAKY_RELU identity shift 31', () => singleOpGraph('LEAKY_RELU', { alpha: 0.5 }, [t(0.75, 5)], t(outFor(31), -3)), /^LEAKY_RELU \(node 0\), tensor 't1' \(#1\): identity \(input scale \/ output scale\) multiplier 1610612736 needs a shift of 31 /, 31],
  ['LEAKY_RELU alpha shift 31', () => singleOpGraph('LEAKY_RELU', { alpha: 2 }, [t(0.75, 5)], t(outFor(30), -3)), /alpha \(input scale x alpha \/ output scale\) multiplier 1610612736 needs a shift of 31 /, 31],
  ['QUANTIZE shift 31', () => singleOpGraph('QUANTIZE', {}, [t(0.75, 5)], t(outFor(31), -3)), /^QUANTIZE \(node 0\), tensor 't1' \(#1\): requantization \(input scale \/ output scale\) multiplier 1610612736 needs a shift of 31 /, 31],
  ['QUANTIZE huge ratio (issue #18)', () => singleOpGraph('QUANTIZE', {}, [t(1e30, 5)], t(1e-30, -3)), /needs a shift of 200 /, 200],
  ['MEAN shift 33 - 2 = 31', () => singleOpGraph('MEAN', { axes: [1], keepDims: false }, [{ shape: [3, 4, 2], scale: 0.75, zp: 5 }, { shape: [1], dtype: 'int32', values: [1] }], { shape: [3, 2], scale: outFor(33), zp: -3 }), /^MEAN \(node 0\), tensor 't2' \(#2\): output \(input scale \/ output scale \/ 4 elements\) multiplier 1610612736 needs a shift of 31 /, 31],
  ['HARD_SWISH input scale whose reluish multiplier overflows float32', () => singleOpGraph('HARD_SWISH', {}, [t(3e38, 5)], t(3e38, -3)), /^HARD_SWISH \(node 0\), tensor 't0' \(#0\): reluish .* multiplier Infinity is not finite$/, null],
];

describe('requantization multipliers at the edge of TFLM\'s range', () => {
  for (const [name, make, message, shift] of REFUSED) {
    it(`refused: ${name}`, () => {
      let error: unknown;
      try {
        make();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TinyforgeError);
      const err = error as TinyforgeError;
      expect(err.code).toBe('E_UNSUPPORTED');
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain('\n');
      expect(err.details.node).toBe(0);
      if (shift !== null) expect(err.details.shift).toBe(shift);
    });
  }

  const cases = ACCEPTED.map(([name, make], i) => {
    const graph = make();
    const r = rng(1000 + i);
    const inputs = randomInputs(graph, r);
    return { name, graph, inputs, want: runDefault(graph, inputs) };
  });

  kernelEngineTests(cases, {
    tool: 'requant range', seed: 0x5a,
    wasm: "accepted: the wasm library gives the reference's bytes (SIMD with and without tables, scalar)",
    host: "accepted: the C kernels give the reference's bytes on the host with ASan + UBSan",
    qemu: "accepted: the C kernels give the reference's bytes on QEMU's Cortex-M4F (DSP paths)",
  });
});
