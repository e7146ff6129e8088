// TFLite's int16 sigmoid and tanh per element (reference_integer_ops::Logistic / Tanh for int16; spec
// src/reference/ops/sigmoid16.ts): TFLite's 256-entry sigmoid table (`table`: constant data, the library has
// no data segment) in 0.16 fixed point, interpolated; tanh(x) = 2 sigmoid(2x) - 1 reads the same table.
// Shared by int16 LOGISTIC/TANH (elementwise.ts) and the LSTM gates (lstm.ts).

/** The input in 1/(3*4096) units: multiplier 0 is the power-of-two path, x * (3 << shift); i32 arithmetic wraps. */
// @ts-ignore: decorator
@inline
export function sigmoid16Rescale(x: i32, multiplier: i32, shift: i32): i32 {
  const m = multiplier == 0 ? 3 << shift : multiplier;
  const s = multiplier == 0 ? 0 : shift;
  const round = s > 0 ? 1 << (s - 1) : 0;
  return (x * m + round) >> s;
}

/** Sigmoid of a rescaled input, in Q0.15. */
// @ts-ignore: decorator
@inline
export function logistic16(v: i32, table: usize): i16 {
  const a = <u32>(v < 0 ? -v : v);
  const uh = a >> 9;
  let r: u32;
  if (uh >= 255) r = 0x7fff << 10;
  else {
    const ua = <u32>load<u16>(table + (<usize>uh << 1)), ub = <u32>load<u16>(table + (<usize>uh << 1), 2);
    r = (ua << 9) + (a & 0x1ff) * (ub - ua);
  }
  r = v >= 0 ? r + (1 << 9) : (1 << 25) - r + (1 << 9) - 1;
  return <i16>(r >> 10);
}

/** Tanh of a rescaled input, in Q0.15. */
// @ts-ignore: decorator
@inline
export function tanh16(v: i32, table: usize): i16 {
  const a = <u32>(v < 0 ? -v : v);
  const uh = a >> 8;
  let r: i32;
  if (uh >= 255) r = 0xffff << 8;
  else {
    const ua = <u32>load<u16>(table + (<usize>uh << 1)), ub = <u32>load<u16>(table + (<usize>uh << 1), 2);
    r = <i32>((ua << 8) + (a & 0xff) * (ub - ua));
  }
  r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
  return <i16>(r >> 8);
}
