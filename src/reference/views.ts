// Typed views over raw tensor bytes. Tensor bytes are little-endian, as on every wasm and Cortex-M target.
import type { DType, Tensor } from '../ir/graph.js';
import { UnsupportedError } from '../errors.js';
import type { TensorView, TypedArray } from './types.js';

export function typedView(dtype: DType, buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray {
  switch (dtype) {
    case 'int8':
      return new Int8Array(buffer, byteOffset, length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer, byteOffset, length);
    case 'int16':
      return new Int16Array(buffer, byteOffset, length);
    case 'int32':
      return new Int32Array(buffer, byteOffset, length);
    case 'float32':
      return new Float32Array(buffer, byteOffset, length);
    case 'int64':
      return new BigInt64Array(buffer, byteOffset, length);
    default:
      throw new UnsupportedError(`tensor dtype ${dtype} cannot be executed`, { dtype });
  }
}

/** A view of a constant tensor's bytes (copied when the bytes are not aligned for the element type). */
export function constantView(tensor: Tensor & { data: Uint8Array }): TensorView {
  let bytes = tensor.data;
  const probe = typedView(tensor.dtype, new ArrayBuffer(0), 0, 0);
  if (bytes.byteOffset % probe.BYTES_PER_ELEMENT !== 0) bytes = bytes.slice();
  const length = bytes.byteLength / probe.BYTES_PER_ELEMENT;
  return { shape: tensor.shape, data: typedView(tensor.dtype, bytes.buffer, bytes.byteOffset, length) };
}

export function viewBytes(view: TensorView): Uint8Array {
  return new Uint8Array(view.data.buffer, view.data.byteOffset, view.data.byteLength);
}
