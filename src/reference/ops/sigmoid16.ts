// TFLite's int16 LOGISTIC and TANH (reference_integer_ops::Logistic / Tanh for int16): a 256-entry table of
// sigmoid in 0.16 fixed point with linear interpolation, tanh(x) = 2 * sigmoid(2x) - 1 read from the same
// table. TFLM's LSTM gates call them on Q3.12 inputs; int16 LOGISTIC/TANH call them with their own
// multiplier and shift. The table is TFLite's (common.h sigmoid_table_uint16): its entries are tuned for the
// interpolation, so they are data, not a formula.
import { SIGMOID_TABLE_UINT16 } from '../../ir/sigmoid-table.js';

/** The input rescale both share: x * multiplier, rounded right by shift; multiplier 0 means 3 << shift (a power-of-two scale). */
function rescale(x: number, multiplier: number, leftShift: number): number {
  const [m, s] = multiplier === 0 ? [3 << leftShift, 0] : [multiplier, leftShift];
  const round = s > 0 ? 1 << (s - 1) : 0;
  return (Math.imul(x, m) + round) >> s;
}

/** int16 sigmoid: output in Q0.15 (32767 ~ 1). */
export function logistic16(x: number, multiplier: number, leftShift: number): number {
  const v = rescale(x, multiplier, leftShift);
  const abs = Math.abs(v);
  const uh = abs >>> 9;
  let result: number;
  if (uh >= 255) {
    result = 0x7fff << 10;
  } else {
    const ua = SIGMOID_TABLE_UINT16[uh]!;
    const ub = SIGMOID_TABLE_UINT16[uh + 1]!;
    result = ua * 512 + (abs & 0x1ff) * (ub - ua);
  }
  result = v >= 0 ? result + (1 << 9) : (1 << 25) - result + (1 << 9) - 1;
  return (result >>> 10) << 16 >> 16;
}

/** int16 tanh: output in Q0.15. */
export function tanh16(x: number, multiplier: number, leftShift: number): number {
  const v = rescale(x, multiplier, leftShift);
  const abs = Math.abs(v);
  const uh = abs >>> 8;
  let result: number;
  if (uh >= 255) {
    result = 0xffff << 8;
  } else {
    const ua = SIGMOID_TABLE_UINT16[uh]!;
    const ub = SIGMOID_TABLE_UINT16[uh + 1]!;
    result = ua * 256 + (abs & 0xff) * (ub - ua);
  }
  result = v >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
  return (result >> 8) << 16 >> 16;
}
