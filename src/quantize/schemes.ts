// TFLite's post-training quantization arithmetic (tensorflow/lite/tools/optimize/quantization_utils.cc),
// float32 at every step as there: asymmetric int8 or symmetric int16 activations, symmetric per-channel
// weights, int32 biases (int64 with int16 activations).
import { INT32_MAX, INT32_MIN, roundHalfAway } from '../ir/quant.js';

const f = Math.fround;

export interface AffineParams {
  scale: number;
  zeroPoint: number;
}

/**
 * GetAsymmetricQuantizationParams for int8: the range widened to include 0, scale = (max - min) / 255,
 * the zero point from min, nudged into [-128, 127]. A range of only 0 gets scale 1 (the kernels need a
 * positive scale; every value quantizes to the zero point either way).
 */
export function asymmetricInt8(min: number, max: number): AffineParams {
  const lo = f(Math.min(f(min), 0));
  const hi = f(Math.max(f(max), 0));
  const scale = f(f(hi - lo) / 255);
  if (scale === 0) return { scale: 1, zeroPoint: 0 };
  const fromMin = f(-128 - f(lo / scale));
  const zeroPoint = fromMin < -128 ? -128 : fromMin > 127 ? 127 : roundHalfAway(fromMin);
  return { scale, zeroPoint: zeroPoint + 0 };
}

/**
 * GetSymmetricQuantizationParams for int16 activations (the 16x8 scheme): the range widened to include 0,
 * scale = max(|min|, |max|) / 32767, zero point 0. A range of only 0 gets scale 1, as asymmetricInt8.
 */
export function symmetricInt16(min: number, max: number): AffineParams {
  const scale = f(Math.max(Math.abs(f(Math.min(f(min), 0))), Math.abs(f(Math.max(f(max), 0)))) / 32767);
  return { scale: scale === 0 ? 1 : scale, zeroPoint: 0 };
}

/** Symmetric per-channel int8 weights (narrow range [-127, 127]) along `axis`: one scale per channel. */
export function symmetricPerChannel(values: Float32Array, shape: readonly number[], axis: number): { q: Int8Array; scales: number[] } {
  const channels = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const absMax = new Array<number>(channels).fill(0);
  values.forEach((v, i) => {
    const c = channelOf(i);
    absMax[c] = Math.max(absMax[c]!, Math.abs(v));
  });
  // GetSymmetricScalesFromMaxMin: range / 127. An all-zero channel (a pruned filter) quantizes to 0 at any
  // scale: it takes the layer's largest, since scale 1 makes its requantization multiplier input/output
  // scale (often >= 0.25: the C conv kernel then leaves its fast requantization for the whole layer) and
  // its bias as coarse as the input scale. All channels zero: scale 1.
  const largest = absMax.reduce((a, m) => Math.max(a, m), 0);
  const scales = absMax.map((m) => f((m === 0 ? largest : m) / 127) || 1);
  const inverse = scales.map((s) => f(1 / s));
  const q = new Int8Array(values.length);
  values.forEach((v, i) => {
    q[i] = Math.max(-127, Math.min(127, roundHalfAway(f(v * inverse[channelOf(i)]!))));
  });
  return { q, scales };
}

/** Symmetric per-tensor int8 weights (narrow range): one scale, |max| / 127, for the whole tensor. */
export function symmetricPerTensor(values: Float32Array): { q: Int8Array; scales: number[] } {
  return symmetricPerChannel(values, [1, values.length], 0);
}

/**
 * SymmetricPerChannelBiasQuantize: scale[c] = input_scale * weight_scale[c] (float32), zero point 0;
 * with one weight scale (per-tensor weights) the bias has one scale too, as the converter writes it.
 */
export function biasInt32(values: Float32Array, inputScale: number, weightScales: readonly number[]): { q: Int32Array; scales: number[] } {
  const scales = biasScales(values.length, inputScale, weightScales);
  const q = Int32Array.from(values, (v, c) => Math.max(INT32_MIN, Math.min(INT32_MAX, roundHalfAway(f(v / scales[scales.length === 1 ? 0 : c]!)))));
  return { q, scales };
}

/** The 16x8 scheme's bias (SymmetricPerChannelBiasQuantize<int64_t>): biasInt32's scales and rounding, int64 values. */
export function biasInt64(values: Float32Array, inputScale: number, weightScales: readonly number[]): { q: BigInt64Array; scales: number[] } {
  const scales = biasScales(values.length, inputScale, weightScales);
  const q = BigInt64Array.from(values, (v, c) => BigInt(Math.max(-INT64_LIMIT, Math.min(INT64_LIMIT, roundHalfAway(f(v / scales[scales.length === 1 ? 0 : c]!))))));
  return { q, scales };
}

/** The largest float64 that converts to an int64 without overflow (2^63 - 1024). */
const INT64_LIMIT = 2 ** 63 - 1024;

/** input_scale * weight_scale[c] in float32, one per channel (one for per-tensor weights). */
function biasScales(channels: number, inputScale: number, weightScales: readonly number[]): number[] {
  return weightScales.length === 1 ? [f(inputScale * weightScales[0]!)] : Array.from({ length: channels }, (_, c) => f(inputScale * weightScales[c]!));
}
