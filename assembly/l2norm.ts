// L2_NORMALIZATION int8, row by row: the sum of squares, then each element rescaled by the row's inverse
// L2 norm into 1/128 steps. Spec: src/reference/ops/l2norm.ts (TFLite reference_integer_ops::L2Normalization).
import { L2NORM_INPUT, L2NORM_OUTPUT, L2NORM_ROWS, L2NORM_DEPTH, L2NORM_INPUT_ZERO_POINT } from './abi';
import { arg, ptr, clampI32 } from './base';
import { multiplyByQuantizedMultiplier } from './quant';
import { invSqrtMultiplierExp } from './fixedpoint';

export function l2norm_s8(args: usize): void {
  const x = ptr(args, L2NORM_INPUT), y = ptr(args, L2NORM_OUTPUT);
  const rows = arg(args, L2NORM_ROWS), depth = arg(args, L2NORM_DEPTH), zp = arg(args, L2NORM_INPUT_ZERO_POINT);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>(r * depth), yr = y + <usize>(r * depth);
    let acc: i32 = 0;
    for (let c = 0; c < depth; c++) {
      const v = <i32>load<i8>(xr + <usize>c) - zp;
      acc += v * v;
    }
    const ms = invSqrtMultiplierExp(acc);
    const m = <i32>ms, s = <i32>(ms >> 32) + 7;
    for (let c = 0; c < depth; c++) {
      store<i8>(yr + <usize>c, <i8>clampI32(multiplyByQuantizedMultiplier(<i32>load<i8>(xr + <usize>c) - zp, m, s), -128, 127));
    }
  }
}
