// IDX files (the MNIST / Fashion-MNIST format): magic 0x00 0x00 <type> <ndims>, ndims big-endian uint32
// dims, then the elements big-endian in C order. Every size is checked before anything is read.
import { InputDataError } from '../errors.js';
import { ELEMENT_BYTES, readElements } from './elements.js';

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** IDX type byte -> dtype. */
const IDX_TYPES: Record<number, IdxDType> = { 0x08: 'uint8', 0x09: 'int8', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64' };

/** Parses an IDX file's bytes; `name` is used in errors. The result owns its memory. */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  const fail = (message: string, details: Record<string, unknown> = {}) => new InputDataError(`IDX file ${name}: ${message}`, { file: name, ...details });
  if (bytes.length < 4) throw fail(`${bytes.length} bytes is shorter than the 4-byte header`, { bytes: bytes.length });
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw fail(`bad magic 0x${hex(bytes[0]!)}${hex(bytes[1]!)}${hex(bytes[2]!)}${hex(bytes[3]!)} (expected 0x0000 then a type byte and a dimension count)`, { magic: [...bytes.subarray(0, 4)] });
  }
  const dtype = IDX_TYPES[bytes[2]!];
  if (!dtype) throw fail(`unknown element type 0x${hex(bytes[2]!)} (IDX has 0x08 0x09 0x0b 0x0c 0x0d 0x0e)`, { type: bytes[2] });
  const rank = bytes[3]!;
  if (rank === 0) throw fail('has 0 dimensions');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw fail(`truncated header: ${rank} dimensions need ${headerBytes} bytes, the file has ${bytes.length}`, { rank, bytes: bytes.length });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const dim = view.getUint32(4 + 4 * i, false);
    shape.push(dim);
    count *= dim;
  }
  const dataBytes = bytes.length - headerBytes;
  if (!Number.isSafeInteger(count * ELEMENT_BYTES[dtype])) throw fail(`shape [${shape.join(', ')}] announces more data than any file holds`, { shape });
  // an absurd header fails here, before any allocation
  if (count * ELEMENT_BYTES[dtype] !== dataBytes) {
    const expected = count * ELEMENT_BYTES[dtype];
    const what = expected > dataBytes ? 'truncated' : 'has trailing bytes';
    throw fail(`${what}: shape [${shape.join(', ')}] of ${dtype} needs ${expected} data bytes, the file has ${dataBytes}`, { shape, dtype, expected, actual: dataBytes });
  }
  return { dtype, shape, data: readElements(view, headerBytes, count, dtype, false) as IdxArray['data'] };
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
