// The two 513-entry int16 tables of TFLM's int16 SOFTMAX (softmax_common.cc Prepare): exp on [-10, 0] and
// 1 / (1 + x) on [0, 1], both Q0.15, made by gen_lut<float, int16_t, int16_t> in float arithmetic (every step
// rounded to float32 here, as there: the float rounding is part of the semantics). They depend on no
// tensor, so they are built once; lookups interpolate between neighbours (lookupInt16Lut).
import { roundHalfAway } from './quant.js';

const f = Math.fround;
const STEPS = 512;

/** gen_lut over [min, max] with output range [-1, 1]: each entry is the sample minus half its midpoint interpolation error. */
function genLut(func: (x: number) => number, min: number, max: number): Int16Array {
  const step = f(f(max - min) / STEPS);
  const halfStep = f(step / 2);
  const scale = f(65536 / 2); // (int16 max - min + 1) / (output max - output min)
  const clamp = (v: number) => Math.min(Math.max(v, -32768), 32767);
  const lut = new Int16Array(STEPS + 1);
  for (let i = 0; i < STEPS; i++) {
    const x = f(min + f(i * step));
    const val = func(x);
    const mid = func(f(x + halfStep));
    const next = func(f(min + f((i + 1) * step)));
    const sample = roundHalfAway(f(val * scale));
    const interp = roundHalfAway(f(f(f(next * scale) + sample) / 2));
    const bias = roundHalfAway(f(f(interp - roundHalfAway(f(mid * scale))) / 2));
    lut[i] = clamp(f(sample - bias));
  }
  lut[STEPS] = clamp(roundHalfAway(f(func(max) * scale)));
  return lut;
}

let tables: { exp: Int16Array; oneOverOnePlusX: Int16Array } | null = null;

/** TFLM's int16 softmax tables (built on first use). */
export function softmaxInt16Luts(): { exp: Int16Array; oneOverOnePlusX: Int16Array } {
  tables ??= {
    exp: genLut((x) => f(Math.exp(x)), -10, 0),
    oneOverOnePlusX: genLut((x) => f(1 / f(1 + x)), 0, 1),
  };
  return tables;
}

/** TFLite's lut_lookup for int16 in and out: entry 256 + (v >> 7), interpolated by the low 7 bits with rounding. */
export function lookupInt16Lut(value: number, lut: Int16Array): number {
  const index = 256 + (value >> 7);
  const base = lut[index]!;
  const slope = ((lut[index + 1]! - base) << 16) >> 16;
  const delta = (slope * (value & 0x7f) + 64) >> 7;
  return ((base + delta) << 16) >> 16;
}
