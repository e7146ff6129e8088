// TFLM's kernel-test quantization helpers (tensorflow/lite/micro/test_helpers), for building its vectors.

export interface Q { scale: number; zeroPoint: number }

const f32 = Math.fround;

/** ScaleFromMinMax / ZeroPointFromMinMax for int8: (max - min) / 255 in float32, -128 + round(-min / scale). */
export function minMaxQ(min: number, max: number): Q {
  const scale = f32(f32(max - min) / 255);
  return { scale, zeroPoint: -128 + Math.round(f32(-min / scale)) };
}

/** FloatToQuantizedType for int8: round(value / scale) half away from zero, plus the zero point, clamped; as bytes. */
export function quantizeInt8(values: number[], q: Q): Uint8Array {
  const ints = values.map((v) => Math.min(127, Math.max(-128, Math.sign(f32(v / q.scale)) * Math.round(Math.abs(f32(v / q.scale))) + q.zeroPoint)));
  return new Uint8Array(Int8Array.from(ints).buffer);
}
