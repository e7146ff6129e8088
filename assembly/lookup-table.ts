// int8 table lookup (ELU), one forward pass: y[i] = table[(u8)x[i]]. Spec: src/reference/ops/lookup-table.ts
// (TFLM elu.cc EvalUsingLookupTable; the table is built at compile time as TFLM's Prepare builds it).
import { LUT_S8_INPUT, LUT_S8_OUTPUT, LUT_S8_SIZE, LUT_S8_TABLE } from './abi';
import { arg, ptr } from './base';

export function lut_s8(args: usize): void {
  const x = ptr(args, LUT_S8_INPUT), y = ptr(args, LUT_S8_OUTPUT), table = ptr(args, LUT_S8_TABLE), size = arg(args, LUT_S8_SIZE);
  for (let i = 0; i < size; i++) store<i8>(y + <usize>i, load<i8>(table + <usize>load<u8>(x + <usize>i)));
}
