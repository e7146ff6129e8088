// Hand-built .tflite flatbuffers for error cases the writer would never produce (unknown ops, bad indices).
import { Builder } from 'flatbuffers';

export interface CraftTensor {
  shape?: number[];
  type?: number;
  buffer?: number;
  name?: string;
  /** Per-tensor quantization; int8 tensors get scale 0.1, zero point 0 unless null. */
  quant?: { scale: number; zeroPoint: number } | null;
}

export interface CraftModel {
  identifier?: string;
  version?: number;
  subgraphs?: number;
  codes?: Array<{ builtin: number; deprecated?: number; version?: number; custom?: string }>;
  tensors?: CraftTensor[];
  buffers?: Array<Uint8Array | { offset: number; size: number } | null>;
  operators?: Array<{ opcode: number; inputs: number[]; outputs: number[] }>;
  inputs?: number[];
  outputs?: number[];
  /** Appended after the flatbuffer (for the large-model buffer form). */
  trailer?: Uint8Array;
}

function ints(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
  return b.endVector();
}

function offsets(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addOffset(values[i]!);
  return b.endVector();
}

export function craftTflite(m: CraftModel): Uint8Array {
  const b = new Builder(1024);
  const buffers = (m.buffers ?? [null]).map((buf) => {
    if (buf instanceof Uint8Array) {
      const data = b.createByteVector(buf);
      b.startObject(3);
      b.addFieldOffset(0, data, 0);
      return b.endObject();
    }
    b.startObject(3);
    if (buf) {
      b.addFieldInt64(1, BigInt(buf.offset), 0n);
      b.addFieldInt64(2, BigInt(buf.size), 0n);
    }
    return b.endObject();
  });
  const codes = (m.codes ?? []).map((c) => {
    const custom = c.custom === undefined ? 0 : b.createString(c.custom);
    b.startObject(4);
    b.addFieldInt8(0, c.deprecated ?? Math.min(c.builtin, 127), 0);
    if (custom) b.addFieldOffset(1, custom, 0);
    b.addFieldInt32(2, c.version ?? 1, 1);
    b.addFieldInt32(3, c.builtin, 0);
    return b.endObject();
  });
  const subgraphs: number[] = [];
  for (let s = 0; s < (m.subgraphs ?? 1); s++) {
    const tensors = (m.tensors ?? []).map((t, i) => {
      const shape = ints(b, t.shape ?? [1]);
      const name = b.createString(t.name ?? `t${i}`);
      const q = t.quant === undefined ? ((t.type ?? 9) === 9 ? { scale: 0.1, zeroPoint: 0 } : null) : t.quant;
      let quant = 0;
      if (q) {
        b.startVector(4, 1, 4);
        b.addFloat32(q.scale);
        const scales = b.endVector();
        b.startVector(8, 1, 8);
        b.addInt64(BigInt(q.zeroPoint));
        const zeroPoints = b.endVector();
        b.startObject(7);
        b.addFieldOffset(2, scales, 0);
        b.addFieldOffset(3, zeroPoints, 0);
        quant = b.endObject();
      }
      b.startObject(10);
      b.addFieldOffset(0, shape, 0);
      b.addFieldInt8(1, t.type ?? 9, 0);
      b.addFieldInt32(2, t.buffer ?? 0, 0);
      b.addFieldOffset(3, name, 0);
      if (quant) b.addFieldOffset(4, quant, 0);
      return b.endObject();
    });
    const ops = (m.operators ?? []).map((o) => {
      const inputs = ints(b, o.inputs);
      const outputs = ints(b, o.outputs);
      b.startObject(9);
      b.addFieldInt32(0, o.opcode, 0);
      b.addFieldOffset(1, inputs, 0);
      b.addFieldOffset(2, outputs, 0);
      return b.endObject();
    });
    const fields = [offsets(b, tensors), ints(b, m.inputs ?? []), ints(b, m.outputs ?? []), offsets(b, ops)];
    b.startObject(5);
    fields.forEach((f, i) => b.addFieldOffset(i, f, 0));
    subgraphs.push(b.endObject());
  }
  const fields = [offsets(b, codes), offsets(b, subgraphs), offsets(b, buffers)];
  b.startObject(8);
  b.addFieldInt32(0, m.version ?? 3, 0);
  b.addFieldOffset(1, fields[0]!, 0);
  b.addFieldOffset(2, fields[1]!, 0);
  b.addFieldOffset(4, fields[2]!, 0);
  b.finish(b.endObject(), m.identifier ?? 'TFL3');
  const body = b.asUint8Array();
  if (!m.trailer) return body.slice();
  const out = new Uint8Array(body.length + m.trailer.length);
  out.set(body);
  out.set(m.trailer, body.length);
  return out;
}
