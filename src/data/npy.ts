// NumPy .npy files (format versions 1-3): "\x93NUMPY", version, a little-endian header length, a Python
// dict literal {'descr', 'fortran_order', 'shape'}, then the elements. Little-endian C-order numeric
// arrays only; everything else is refused by name.
import { InputDataError, UnsupportedError } from '../errors.js';
import { ELEMENT_BYTES, readElements } from './elements.js';

export type NpyDType = 'uint8' | 'int8' | 'int32' | 'int64' | 'float32' | 'float64';

export interface NpyArray {
  dtype: NpyDType;
  shape: number[];
  data: Uint8Array | Int8Array | Int32Array | BigInt64Array | Float32Array | Float64Array;
}

/** descr -> dtype, for the byte orders numpy writes ('|' for one-byte types, '<' little-endian). */
const DESCRS: Record<string, NpyDType> = {
  '|u1': 'uint8',
  '<u1': 'uint8',
  '|i1': 'int8',
  '<i1': 'int8',
  '<i4': 'int32',
  '<i8': 'int64',
  '<f4': 'float32',
  '<f8': 'float64',
};
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses a .npy file's bytes; `name` is used in errors. The result owns its memory. */
export function parseNpy(bytes: Uint8Array, name: string): NpyArray {
  const fail = (message: string, details: Record<string, unknown> = {}) => new InputDataError(`.npy file ${name}: ${message}`, { file: name, ...details });
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw fail('bad magic (expected \\x93NUMPY)', { bytes: bytes.length });
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw fail(`unknown format version ${major}.${bytes[7]}`, { version: major });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw fail('truncated header');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (dataOffset > bytes.length) throw fail(`truncated header: ${headerLength} header bytes announced, ${bytes.length - 8 - lengthBytes} present`, { headerLength });
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lengthBytes, dataOffset));
  const { descr, fortranOrder, shape } = parseHeader(header, fail);
  if (fortranOrder) throw new UnsupportedError(`.npy file ${name} is in Fortran order: save it in C order (np.ascontiguousarray)`, { file: name });
  const dtype = DESCRS[descr];
  if (!dtype) {
    const why = descr.startsWith('>') ? 'big-endian' : /O/.test(descr) ? 'an object array' : `dtype ${descr}`;
    throw new UnsupportedError(`.npy file ${name} is ${why}: supported are little-endian uint8, int8, int32, int64, float32, float64`, { file: name, descr });
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * ELEMENT_BYTES[dtype];
  if (!Number.isSafeInteger(expected)) throw fail(`shape (${shape.join(', ')}) announces more data than any file holds`, { shape });
  const actual = bytes.length - dataOffset;
  if (expected !== actual) {
    throw fail(`${expected > actual ? 'truncated' : 'has trailing bytes'}: shape (${shape.join(', ')}) of ${dtype} needs ${expected} data bytes, the file has ${actual}`, { shape, dtype, expected, actual });
  }
  return { dtype, shape, data: readElements(view, dataOffset, count, dtype, true) as NpyArray['data'] };
}

/** The header dict, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 28, 28), } */
function parseHeader(header: string, fail: (m: string, d?: Record<string, unknown>) => Error): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!header.trimStart().startsWith('{') || !descr || !fortran || !shape) throw fail(`unreadable header ${JSON.stringify(header.trim().slice(0, 120))}`, { header });
  const dims = shape[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!dims.every((s) => /^\d+L?$/.test(s))) throw fail(`bad shape (${shape[1]})`, { shape: shape[1] });
  return { descr: descr[1]!, fortranOrder: fortran[1] === 'True', shape: dims.map((s) => Number.parseInt(s, 10)) };
}
