// Typed arrays from the element bytes of a file (IDX is big-endian, .npy little-endian), read through a
// DataView so the host's byte order and the data's alignment never matter.

export type ElementDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64';
export type Elements = Uint8Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

export const ELEMENT_BYTES: Record<ElementDType, number> = { uint8: 1, int8: 1, int16: 2, int32: 4, int64: 8, float32: 4, float64: 8 };

/** `count` elements at `offset` of `view`, copied into a new array; the caller has checked the length. */
export function readElements(view: DataView, offset: number, count: number, dtype: ElementDType, littleEndian: boolean): Elements {
  const bytes = ELEMENT_BYTES[dtype];
  const read = <T extends { [i: number]: number | bigint }>(out: T, get: (at: number) => number | bigint): T => {
    for (let i = 0; i < count; i++) out[i] = get(offset + bytes * i);
    return out;
  };
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int8':
      return new Int8Array(new Uint8Array(view.buffer, view.byteOffset + offset, count).slice().buffer);
    case 'int16':
      return read(new Int16Array(count), (at) => view.getInt16(at, littleEndian));
    case 'int32':
      return read(new Int32Array(count), (at) => view.getInt32(at, littleEndian));
    case 'int64':
      return read(new BigInt64Array(count), (at) => view.getBigInt64(at, littleEndian));
    case 'float32':
      return read(new Float32Array(count), (at) => view.getFloat32(at, littleEndian));
    case 'float64':
      return read(new Float64Array(count), (at) => view.getFloat64(at, littleEndian));
  }
}
