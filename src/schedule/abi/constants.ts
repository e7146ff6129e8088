// The constant data of a lowered model.
//
// One blob per model (`LoweredSchedule.constants`): every constant array a call needs — weights (as
// stored: CONV [oc, kh, kw, ic/groups], DEPTHWISE [1, kh, kw, oc], FC [units, depth]), int32 biases
// (a zero array when the op has none), int32 per-channel multipliers and shifts (always one per output
// channel: per-tensor quantization is expanded), lookup tables — then every argument record. Each entry
// starts 4-byte aligned (16 for weights) and identical contents are stored once (a tensor used by two
// calls, the same op run on every patch tile, identical records). Little-endian.
import { abiWord, CONST_ALIGN } from './records.js';

function hashBytes(b: Uint8Array): number {
  let h = 0x811c9dc5;
  const step = b.length > 4096 ? 7 : 1; // sample long arrays; equality is checked in full
  for (let i = 0; i < b.length; i += step) h = Math.imul(h ^ b[i]!, 0x01000193);
  return (h ^ b.length) >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The constant blob under construction: aligned, deduplicated entries. */
export class ConstantData {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private byHash = new Map<number, Array<{ offset: number; bytes: Uint8Array }>>();
  /** Bytes of data arrays vs argument records, for reports. */
  dataBytes = 0;
  recordBytes = 0;

  add(bytes: Uint8Array, align = CONST_ALIGN, kind: 'data' | 'record' = 'data'): number {
    const h = hashBytes(bytes);
    const same = this.byHash.get(h);
    const hit = same?.find((e) => e.offset % align === 0 && sameBytes(e.bytes, bytes));
    if (hit) return hit.offset;
    const pad = (align - (this.size % align)) % align;
    if (pad) this.chunks.push(new Uint8Array(pad));
    const offset = this.size + pad;
    this.chunks.push(bytes);
    this.size = offset + bytes.length;
    if (kind === 'data') this.dataBytes += bytes.length;
    else this.recordBytes += bytes.length;
    (same ?? this.byHash.set(h, []).get(h)!).push({ offset, bytes });
    return offset;
  }

  /** `bytes` zero bytes of their own (never shared with an equal array): filled at run time. */
  reserve(bytes: number, align: number): number {
    const pad = (align - (this.size % align)) % align;
    if (pad) this.chunks.push(new Uint8Array(pad));
    const offset = this.size + pad;
    this.chunks.push(new Uint8Array(bytes));
    this.size = offset + bytes;
    this.dataBytes += bytes;
    return offset;
  }

  addInt32(values: ArrayLike<number>, what = 'int32 array entry'): number {
    return this.add(new Uint8Array(Int32Array.from(values, (v) => abiWord(v, what)).buffer));
  }

  get byteLength(): number {
    return this.size;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.size / 4) * 4);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
