// A bounds-checked view of a flatbuffer: every offset, vector length and string is checked against the
// file before it is read, so hostile input ends in ModelFormatError instead of garbage or a huge allocation.
import { ByteBuffer } from 'flatbuffers';
import { ModelFormatError } from '../../errors.js';

const TWO_32 = 4294967296;

export class FlatReader {
  readonly bb: ByteBuffer;
  readonly bytes: Uint8Array;
  readonly length: number;
  /** Elements left to decode: a hostile file can point many tables at one big vector. */
  private budget: number;

  constructor(bytes: Uint8Array, budget: number) {
    this.bytes = bytes;
    this.bb = new ByteBuffer(bytes);
    this.length = bytes.length;
    this.budget = budget;
  }

  check(pos: number, size: number, what: string): void {
    if (!(pos >= 0 && size >= 0 && pos + size <= this.length)) {
      throw new ModelFormatError(`malformed TFLite file: ${what} at byte ${pos} (+${size}) lies outside the ${this.length}-byte file`, {
        what,
        offset: pos,
        size,
        fileBytes: this.length,
      });
    }
  }

  spend(count: number, what: string): void {
    this.budget -= count;
    if (this.budget < 0) {
      throw new ModelFormatError(`malformed TFLite file: ${what} makes the file decode to far more data than it holds`, { what });
    }
  }

  i8(pos: number, what: string): number {
    this.check(pos, 1, what);
    return this.bb.readInt8(pos);
  }
  u8(pos: number, what: string): number {
    this.check(pos, 1, what);
    return this.bb.readUint8(pos);
  }
  u16(pos: number, what: string): number {
    this.check(pos, 2, what);
    return this.bb.readUint16(pos);
  }
  i32(pos: number, what: string): number {
    this.check(pos, 4, what);
    return this.bb.readInt32(pos);
  }
  u32(pos: number, what: string): number {
    this.check(pos, 4, what);
    return this.bb.readUint32(pos);
  }
  f32(pos: number, what: string): number {
    this.check(pos, 4, what);
    return this.bb.readFloat32(pos);
  }
  /** A 64-bit integer as a number; values outside the safe-integer range are format errors. */
  i64(pos: number, what: string, signed: boolean): number {
    this.check(pos, 8, what);
    const lo = this.bb.readUint32(pos);
    const hi = signed ? this.bb.readInt32(pos + 4) : this.bb.readUint32(pos + 4);
    if (hi > 0x1fffff || hi < -0x200000) {
      throw new ModelFormatError(`malformed TFLite file: ${what} is a 64-bit value beyond 2^53`, { what, offset: pos });
    }
    return hi * TWO_32 + lo;
  }

  /** Follows a uoffset_t stored at pos. */
  indirect(pos: number, what: string): number {
    return pos + this.u32(pos, what);
  }

  /** The root table, after the identifier check. */
  root(identifier: string): Table {
    if (this.length < 8) throw new ModelFormatError(`malformed TFLite file: ${this.length} bytes is too short for a flatbuffer`, { fileBytes: this.length });
    const id = String.fromCharCode(...this.bytes.subarray(4, 8));
    if (id !== identifier) {
      throw new ModelFormatError(`not a TFLite file: identifier is ${JSON.stringify(id)}, expected "${identifier}"`, { identifier: id });
    }
    return new Table(this, this.indirect(0, 'root table offset'), 'model');
  }
}

export type ScalarKind = 'i8' | 'u8' | 'bool' | 'i32' | 'u32' | 'f32' | 'i64' | 'u64';
const SCALAR_SIZE: Record<ScalarKind, number> = { i8: 1, u8: 1, bool: 1, i32: 4, u32: 4, f32: 4, i64: 8, u64: 8 };

export class Table {
  private readonly vtable: number;
  private readonly vtableSize: number;

  constructor(
    private readonly r: FlatReader,
    readonly pos: number,
    readonly what: string,
  ) {
    this.vtable = pos - r.i32(pos, `${what} vtable offset`);
    this.vtableSize = r.u16(this.vtable, `${what} vtable`);
    const objectSize = r.u16(this.vtable + 2, `${what} vtable`);
    if (this.vtableSize < 4 || this.vtableSize % 2 !== 0) {
      throw new ModelFormatError(`malformed TFLite file: ${what} has a vtable of ${this.vtableSize} bytes`, { what, offset: pos });
    }
    r.check(this.vtable, this.vtableSize, `${what} vtable`);
    r.check(pos, objectSize, what);
  }

  /** Absolute position of a field, or 0 when absent. */
  private field(id: number): number {
    const slot = 4 + 2 * id;
    if (slot + 2 > this.vtableSize) return 0;
    const off = this.r.u16(this.vtable + slot, `${this.what} vtable`);
    return off === 0 ? 0 : this.pos + off;
  }

  has(id: number): boolean {
    return this.field(id) !== 0;
  }

  scalar(id: number, kind: ScalarKind, def: number): number {
    const p = this.field(id);
    if (p === 0) return def;
    return readScalar(this.r, p, kind, `${this.what} field ${id}`);
  }

  bool(id: number, def = false): boolean {
    return this.scalar(id, 'u8', def ? 1 : 0) !== 0;
  }

  table(id: number, what: string): Table | null {
    const p = this.field(id);
    return p === 0 ? null : new Table(this.r, this.r.indirect(p, what), what);
  }

  /** Start (absolute) and element count of a vector field, bounds-checked; null when absent. */
  vector(id: number, elemSize: number, what: string): { start: number; count: number } | null {
    const p = this.field(id);
    if (p === 0) return null;
    const vec = this.r.indirect(p, what);
    const count = this.r.u32(vec, `${what} length`);
    this.r.check(vec + 4, count * elemSize, what);
    this.r.spend(count, what);
    return { start: vec + 4, count };
  }

  scalars(id: number, kind: ScalarKind, what: string): number[] | null {
    const size = SCALAR_SIZE[kind];
    const v = this.vector(id, size, what);
    if (v === null) return null;
    const out = new Array<number>(v.count);
    for (let i = 0; i < v.count; i++) out[i] = readScalar(this.r, v.start + i * size, kind, what);
    return out;
  }

  /** Byte range of a [ubyte] field (no copy). */
  bytes(id: number, what: string): Uint8Array | null {
    const v = this.vector(id, 1, what);
    return v === null ? null : this.r.bytes.subarray(v.start, v.start + v.count);
  }

  string(id: number, what: string): string | null {
    const b = this.bytes(id, what);
    return b === null ? null : utf8.decode(b);
  }

  tables(id: number, what: string): Table[] | null {
    const v = this.vector(id, 4, what);
    if (v === null) return null;
    const out = new Array<Table>(v.count);
    for (let i = 0; i < v.count; i++) {
      const p = v.start + i * 4;
      out[i] = new Table(this.r, this.r.indirect(p, `${what} ${i}`), `${what} ${i}`);
    }
    return out;
  }
}

const utf8 = new TextDecoder('utf-8');

function readScalar(r: FlatReader, p: number, kind: ScalarKind, what: string): number {
  switch (kind) {
    case 'i8':
      return r.i8(p, what);
    case 'u8':
    case 'bool':
      return r.u8(p, what);
    case 'i32':
      return r.i32(p, what);
    case 'u32':
      return r.u32(p, what);
    case 'f32':
      return r.f32(p, what);
    case 'i64':
      return r.i64(p, what, true);
    case 'u64':
      return r.i64(p, what, false);
  }
}
