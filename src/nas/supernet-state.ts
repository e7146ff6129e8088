// The supernet's (and its optimizer's) tensors as one float32 byte block plus a table of names, shapes and
// offsets: what a checkpoint holds. Unpacking checks every name, shape and length against the supernet the
// space builds, so a checkpoint of another space or a truncated block is refused, never half-loaded.
import * as tf from '@tensorflow/tfjs-core';
import { ModelFormatError } from '../errors.js';

export interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in float32 elements into the block. */
  offset: number;
}

export interface PackedTensors {
  entries: TensorEntry[];
  bytes: Uint8Array;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function packTensors(named: ReadonlyArray<{ name: string; tensor: tf.Tensor }>): PackedTensors {
  const total = named.reduce((n, t) => n + t.tensor.size, 0);
  const values = new Float32Array(total);
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const { name, tensor } of named) {
    values.set(tensor.dataSync() as Float32Array, offset);
    entries.push({ name, shape: tensor.shape.slice(), offset });
    offset += tensor.size;
  }
  return { entries, bytes: new Uint8Array(values.buffer) };
}

function isEntry(e: unknown): e is TensorEntry {
  const x = e as TensorEntry;
  return typeof e === 'object' && e !== null && typeof x.name === 'string' && Array.isArray(x.shape) && x.shape.every((d) => Number.isSafeInteger(d) && d >= 0) && Number.isSafeInteger(x.offset) && x.offset >= 0;
}

/** The tensors of `entries` from the block, each checked to lie inside it; `where` names the checkpoint in errors. */
export function unpackTensors(entries: unknown, bytes: Uint8Array, where: string): Array<{ name: string; shape: number[]; values: Float32Array }> {
  if (!Array.isArray(entries) || !entries.every(isEntry)) throw new ModelFormatError(`${where}: the tensor table is not a list of {name, shape, offset}`, { where });
  if (bytes.length % 4 !== 0) throw new ModelFormatError(`${where}: ${bytes.length} weight bytes are not whole float32 values`, { where, bytes: bytes.length });
  const values = new Float32Array(bytes.slice().buffer);
  return entries.map((e) => {
    const end = e.offset + count(e.shape);
    if (end > values.length) throw new ModelFormatError(`${where}: tensor ${e.name} [${e.shape.join(', ')}] ends at element ${end}, past the block's ${values.length}`, { where, tensor: e.name, end, elements: values.length });
    return { name: e.name, shape: e.shape, values: values.subarray(e.offset, end) };
  });
}

/** Assigns unpacked tensors to variables of the same names and shapes, in order; refuses any difference first. */
export function assignTensors(variables: readonly tf.Variable[], names: readonly string[], tensors: ReturnType<typeof unpackTensors>, where: string): void {
  if (tensors.length !== variables.length) {
    throw new ModelFormatError(`${where}: ${tensors.length} tensors, the supernet of this space has ${variables.length}`, { where, tensors: tensors.length, expected: variables.length });
  }
  tensors.forEach((t, i) => {
    const v = variables[i]!;
    if (t.name !== names[i] || t.shape.length !== v.shape.length || t.shape.some((d, k) => d !== v.shape[k])) {
      throw new ModelFormatError(`${where}: tensor ${i} is ${t.name} [${t.shape.join(', ')}], the supernet of this space has ${names[i]} [${v.shape.join(', ')}]`, { where, index: i, got: t.name, expected: names[i] });
    }
  });
  tf.tidy(() => tensors.forEach((t, i) => variables[i]!.assign(tf.tensor(t.values, t.shape))));
}
