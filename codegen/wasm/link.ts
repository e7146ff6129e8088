// The per-model linker: the kernel library's binary (build/kernels.*.wasm, optimized once when it is built:
// asc -O3, asconfig.json) plus the model's calls and constant data -> one module, in one pass over the
// bytes, without binaryen (whose import and first use cost ~1 s of CPU per compile). It keeps only the
// kernels the model calls and what they call, renumbered; turns every read of ARENA_BASE / CONST_BASE
// into an i32.const (a call's workspace is its record's, set at the kernel's entry); appends `invoke`
// (the preparation steps once, then the calls in order);
// and places the constant data as active segments split at runs of zeros.
// The library must be what asc emits for assembly/index.ts: types, functions, one memory, globals,
// exports and code; no imports, tables, element or data segments, start function.
import { ToolchainError, UnsupportedError } from '../../src/errors.js';

export interface LinkCall {
  symbol: string;
  /** The constant address of the call's argument record: the kernel's only argument. */
  record: number;
}

export interface LinkInput {
  library: Uint8Array;
  /** Values of the library's exported base globals (ARENA_BASE, CONST_BASE). */
  bases: Record<string, number>;
  /** Run once, at the start of the first invoke. */
  prepare: LinkCall[];
  calls: LinkCall[];
  /** Memory pages (initial = maximum). */
  pages: number;
  /** Constant data placed at `dataOffset`. */
  data: Uint8Array;
  dataOffset: number;
  /** Inline the functions called from one place (default true; false: the measurement baseline of bench/wasm-inline.ts). */
  inline?: boolean;
}

/** Segments per module at most (engines cap them at 100,000). */
const MAX_SEGMENTS = 10_000;

const SECTION = { custom: 0, type: 1, function: 3, memory: 5, global: 6, export: 7, code: 10 } as const;
const KNOWN_SECTIONS = new Set<number>(Object.values(SECTION));

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new ToolchainError(`the wasm kernel library cannot be linked: ${message}`, details);
}

/** Reads the wasm binary format: LEB128 integers and byte ranges. */
class Reader {
  constructor(readonly bytes: Uint8Array, public at: number, readonly end: number) {}
  byte(): number {
    if (this.at >= this.end) fail('unexpected end of a section or function body', { at: this.at });
    return this.bytes[this.at++]!;
  }
  u32(): number {
    let value = 0, shift = 0, b: number;
    do {
      b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return value;
  }
  /** Skips a signed LEB128 of any width. */
  skipLeb(): void {
    while (this.byte() & 0x80);
  }
  skip(n: number): void {
    this.at += n;
    if (this.at > this.end) fail('unexpected end of a section or function body', { at: this.at });
  }
  name(): string {
    const n = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + n));
    this.skip(n);
    return s;
  }
}

/** Appends bytes and LEB128 integers to a growing buffer. */
class Writer {
  private buf = new Uint8Array(256);
  length = 0;
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }
  byte(...b: number[]): this {
    this.room(b.length);
    for (const x of b) this.buf[this.length++] = x;
    return this;
  }
  u32(v: number): this {
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v > 0) b |= 0x80;
      this.byte(b);
    } while (v > 0);
    return this;
  }
  i32(v: number): this {
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  name(s: string): this {
    const utf8 = new TextEncoder().encode(s);
    return this.u32(utf8.length).bytes(utf8);
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** A function body's instructions that name a function or a global: where they start and end. */
interface BodyRef {
  kind: 'call' | 'global.get' | 'global.set';
  index: number;
  start: number;
  end: number;
}

// Immediates of the single-byte opcodes the kernels may use (MVP, sign extension, reference types).
const MEMARG = 1, U32 = 2, U32x2 = 3, I32 = 4, I64 = 5, F32 = 6, F64 = 7, BLOCK = 8, BR_TABLE = 9, SELECT_T = 10, NONE = 0;
const IMMEDIATE = new Map<number, number>();
for (const op of [0x00, 0x01, 0x05, 0x0b, 0x0f, 0x1a, 0x1b, 0xd1]) IMMEDIATE.set(op, NONE);
for (const op of [0x02, 0x03, 0x04]) IMMEDIATE.set(op, BLOCK);
for (const op of [0x0c, 0x0d, 0x20, 0x21, 0x22, 0x25, 0x26, 0x3f, 0x40, 0xd0, 0xd2]) IMMEDIATE.set(op, U32);
for (let op = 0x28; op <= 0x3e; op++) IMMEDIATE.set(op, MEMARG);
for (let op = 0x45; op <= 0xc4; op++) IMMEDIATE.set(op, NONE);
IMMEDIATE.set(0x0e, BR_TABLE).set(0x1c, SELECT_T).set(0x41, I32).set(0x42, I64).set(0x43, F32).set(0x44, F64);

/** Immediates of the 0xFD (SIMD) opcodes: memarg, memarg + lane, 16 bytes, lane, or none. */
function simdImmediate(op: number): 'memarg' | 'memarg-lane' | 'bytes16' | 'lane' | 'none' {
  if (op <= 0x0b || op === 0x5c || op === 0x5d) return 'memarg';
  if (op === 0x0c || op === 0x0d) return 'bytes16';
  if (op >= 0x15 && op <= 0x22) return 'lane';
  if (op >= 0x54 && op <= 0x5b) return 'memarg-lane';
  if (op <= 0xff) return 'none';
  return fail(`SIMD opcode 0xfd ${op} is not one the linker knows`, { opcode: op });
}

/** One instruction of a function body: its opcode, where it starts and ends, where its immediates start. */
interface Instruction {
  op: number;
  start: number;
  imm: number;
  end: number;
}

/** The value types of a body's declared locals (after the parameters), and where its instructions start. */
function localsOf(bytes: Uint8Array, start: number, end: number): { types: number[]; code: number } {
  const r = new Reader(bytes, start, end);
  const types: number[] = [];
  for (let groups = r.u32(); groups > 0; groups--) {
    const n = r.u32();
    const t = r.byte();
    for (let k = 0; k < n; k++) types.push(t);
  }
  return { types, code: r.at };
}

/** The instructions of the code in [start, end), in order (the last one is the body's closing end). */
function* instructions(bytes: Uint8Array, start: number, end: number): Generator<Instruction> {
  const r = new Reader(bytes, start, end);
  while (r.at < end) {
    const at = r.at;
    const op = r.byte();
    const imm = r.at;
    if (op === 0xfc) {
      const sub = r.u32();
      if (sub === 10) { r.u32(); r.u32(); } // memory.copy
      else if (sub === 11) r.u32(); // memory.fill
      else if (sub > 7) fail(`opcode 0xfc ${sub} (data segments or tables) is not one the linker supports`, { opcode: sub }); // 0-7: saturating truncations
    } else if (op === 0xfd) {
      const kind = simdImmediate(r.u32());
      if (kind === 'memarg' || kind === 'memarg-lane') { r.u32(); r.u32(); }
      if (kind === 'memarg-lane' || kind === 'lane') r.byte();
      if (kind === 'bytes16') r.skip(16);
    } else {
      const kind = op === 0x10 || op === 0x23 || op === 0x24 ? U32 : IMMEDIATE.get(op);
      if (kind === undefined) fail(`opcode 0x${op.toString(16)} is not one the linker supports (calls through tables, tail calls, exceptions)`, { opcode: op, at });
      switch (kind) {
        case MEMARG: case U32x2: r.u32(); r.u32(); break;
        case U32: r.u32(); break;
        case I32: case I64: r.skipLeb(); break;
        case F32: r.skip(4); break;
        case F64: r.skip(8); break;
        case BLOCK: {
          const t = bytes[r.at]!;
          if (t === 0x40 || (t >= 0x6f && t <= 0x7f)) r.byte();
          else r.skipLeb(); // a type index (s33)
          break;
        }
        case BR_TABLE: for (let n = r.u32() + 1; n > 0; n--) r.u32(); break;
        case SELECT_T: for (let n = r.u32(); n > 0; n--) r.byte(); break;
      }
    }
    yield { op, start: at, imm, end: r.at };
  }
}

/** The u32 immediate of an instruction (a call's function, a local's or a global's index, a branch depth). */
function immediate(bytes: Uint8Array, ins: Instruction): number {
  return new Reader(bytes, ins.imm, ins.end).u32();
}

/** Walks one function body (locals, then instructions) and lists its calls and global accesses. */
function scanBody(bytes: Uint8Array, start: number, end: number): BodyRef[] {
  const refs: BodyRef[] = [];
  for (const ins of instructions(bytes, localsOf(bytes, start, end).code, end)) {
    if (ins.op === 0x10 || ins.op === 0x23 || ins.op === 0x24) {
      refs.push({ kind: ins.op === 0x10 ? 'call' : ins.op === 0x23 ? 'global.get' : 'global.set', index: immediate(bytes, ins), start: ins.start, end: ins.end });
    }
  }
  return refs;
}

/** Parameter and result value types of a function type's bytes (0x60, params, results). */
function signature(type: Uint8Array): { params: number[]; results: number[] } {
  const r = new Reader(type, 1, type.length);
  const list = () => Array.from({ length: r.u32() }, () => r.byte());
  const params = list();
  return { params, results: list() };
}

/** The instruction that sets a fresh local of value type `t` back to zero, before an inlined body that runs more than once. */
function zeroOf(t: number): number[] {
  if (t === 0x7f) return [0x41, 0x00];
  if (t === 0x7e) return [0x42, 0x00];
  if (t === 0x7d) return [0x43, 0, 0, 0, 0];
  if (t === 0x7c) return [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
  if (t === 0x7b) return [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  return fail(`a local of value type 0x${t.toString(16)}`, { type: t });
}

interface Library {
  bytes: Uint8Array;
  /** Payload ranges of the sections kept. */
  sections: Map<number, { start: number; end: number }>;
  types: Uint8Array[];
  funcTypes: number[];
  globals: Uint8Array[];
  exports: Map<string, { kind: number; index: number }>;
  bodies: Array<{ start: number; end: number }>;
}

function readLibrary(bytes: Uint8Array): Library {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d || bytes[4] !== 1) fail('not a WebAssembly version 1 binary');
  const sections = new Map<number, { start: number; end: number }>();
  const top = new Reader(bytes, 8, bytes.length);
  while (top.at < bytes.length) {
    const id = top.byte();
    const size = top.u32();
    const start = top.at;
    top.skip(size);
    if (!KNOWN_SECTIONS.has(id)) fail(`it has a section of id ${id} (imports, tables, elements, a start function or data)`, { section: id });
    if (id !== SECTION.custom) sections.set(id, { start, end: top.at });
  }
  const reader = (id: number) => {
    const s = sections.get(id);
    return s ? new Reader(bytes, s.start, s.end) : null;
  };
  const types: Uint8Array[] = [];
  const t = reader(SECTION.type);
  for (let n = t ? t.u32() : 0; n > 0; n--) {
    const from = t!.at;
    if (t!.byte() !== 0x60) fail('a type that is not a function type');
    for (let k = 0; k < 2; k++) for (let c = t!.u32(); c > 0; c--) t!.byte();
    types.push(bytes.subarray(from, t!.at));
  }
  const funcTypes: number[] = [];
  const f = reader(SECTION.function);
  for (let n = f ? f.u32() : 0; n > 0; n--) funcTypes.push(f!.u32());
  const globals: Uint8Array[] = [];
  const g = reader(SECTION.global);
  for (let n = g ? g.u32() : 0; n > 0; n--) {
    const from = g!.at;
    g!.byte(); // value type
    g!.byte(); // mutability
    const op = g!.byte();
    if (op === 0x41 || op === 0x42) g!.skipLeb();
    else if (op === 0x43) g!.skip(4);
    else if (op === 0x44) g!.skip(8);
    else fail(`a global initialized by opcode 0x${op.toString(16)}`);
    if (g!.byte() !== 0x0b) fail('a global initializer of more than one instruction');
    globals.push(bytes.subarray(from, g!.at));
  }
  const exports = new Map<string, { kind: number; index: number }>();
  const e = reader(SECTION.export);
  for (let n = e ? e.u32() : 0; n > 0; n--) {
    const name = e!.name();
    exports.set(name, { kind: e!.byte(), index: e!.u32() });
  }
  const bodies: Array<{ start: number; end: number }> = [];
  const c = reader(SECTION.code);
  for (let n = c ? c.u32() : 0; n > 0; n--) {
    const size = c!.u32();
    bodies.push({ start: c!.at, end: c!.at + size });
    c!.skip(size);
  }
  if (bodies.length !== funcTypes.length) fail(`${funcTypes.length} functions declared, ${bodies.length} bodies`);
  return { bytes, sections, types, funcTypes, globals, exports, bodies };
}

/** Bytes of a LEB128 encoding of the non-negative `v` (signed when `signed`: one more bit). */
function lebBytes(v: number, signed: boolean): number {
  let n = 1;
  for (let limit = signed ? 64 : 128; v >= limit; limit *= 128) n++;
  return n;
}

/**
 * Ranges [start, end) of `data` to store as segments: zero ends are dropped, and so is every zero run
 * longer than the header of the segment that would follow it (flags, i32.const offset, end, size).
 */
export function dataRanges(data: Uint8Array, dataOffset = 0): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let i = 0;
  while (i < data.length && data[i] === 0) i++;
  let start = i;
  while (i < data.length) {
    if (data[i] !== 0) { i++; continue; }
    let j = i;
    while (j < data.length && data[j] === 0) j++;
    if (j === data.length) break;
    const header = 3 + lebBytes(dataOffset + j, true) + lebBytes(data.length - j, false);
    if (j - i > header && ranges.length < MAX_SEGMENTS - 1) {
      ranges.push([start, i]);
      start = j;
    }
    i = j;
  }
  if (i > start) ranges.push([start, i]);
  return ranges;
}

function section(out: Writer, id: number, payload: Writer): void {
  out.byte(id).u32(payload.length).bytes(payload.finish());
}

/** The linked module's bytes (see the header). */
export function linkModule(input: LinkInput): Uint8Array {
  const lib = readLibrary(input.library);
  const functionOf = (symbol: string): number => {
    const e = lib.exports.get(symbol);
    if (!e || e.kind !== 0) throw new UnsupportedError(`the wasm kernel library has no kernel ${symbol}`, { symbol });
    return e.index;
  };
  const baseGlobals = new Map<number, number>();
  for (const [name, value] of Object.entries(input.bases)) {
    const e = lib.exports.get(name);
    if (!e || e.kind !== 3) throw new ToolchainError(`the wasm kernel library does not export ${name}`, { global: name });
    baseGlobals.set(e.index, value);
  }

  // the functions the model reaches, from the kernels it calls
  const refs = new Map<number, BodyRef[]>();
  const keep = new Set<number>();
  const pending = [...input.prepare, ...input.calls].map((c) => functionOf(c.symbol));
  while (pending.length > 0) {
    const fn = pending.pop()!;
    if (keep.has(fn)) continue;
    keep.add(fn);
    const body = lib.bodies[fn];
    if (!body) fail(`a call to function ${fn}, of ${lib.bodies.length}`);
    const found = scanBody(lib.bytes, body.start, body.end);
    refs.set(fn, found);
    for (const ref of found) {
      if (ref.kind === 'call') pending.push(ref.index);
      else if (ref.kind === 'global.set' && baseGlobals.has(ref.index)) fail('a kernel writes a base global', { global: ref.index });
    }
  }
  // a function called from one place only is inlined there (binaryen's -O3 did it per model; the library,
  // optimized before the model is known, cannot): the call's cost goes, and the caller's constants reach it
  const sites = new Map<number, number>();
  for (const fn of keep) for (const ref of refs.get(fn)!) if (ref.kind === 'call') sites.set(ref.index, (sites.get(ref.index) ?? 0) + 1);
  for (const c of [...input.prepare, ...input.calls]) sites.set(functionOf(c.symbol), (sites.get(functionOf(c.symbol)) ?? 0) + 1);
  const inlined = new Set([...keep].filter((fn) => input.inline !== false && sites.get(fn) === 1 && signature(lib.types[lib.funcTypes[fn]!]!).results.length <= 1));
  const kept = [...keep].filter((fn) => !inlined.has(fn)).sort((a, b) => a - b);
  const newIndex = new Map(kept.map((fn, i) => [fn, i]));
  const invokeIndex = kept.length;

  // types: the library's, plus () -> () for invoke when it has none
  const types = [...lib.types];
  let voidType = types.findIndex((t) => t.length === 3 && t[1] === 0 && t[2] === 0);
  if (voidType < 0) voidType = types.push(Uint8Array.of(0x60, 0, 0)) - 1;
  const preparedGlobal = lib.globals.length;

  const out = new Writer().byte(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
  const typeSec = new Writer().u32(types.length);
  for (const t of types) typeSec.bytes(t);
  section(out, SECTION.type, typeSec);
  const funcSec = new Writer().u32(kept.length + 1);
  for (const fn of kept) funcSec.u32(lib.funcTypes[fn]!);
  funcSec.u32(voidType);
  section(out, SECTION.function, funcSec);
  section(out, SECTION.memory, new Writer().byte(1, 1).u32(input.pages).u32(input.pages));
  const globalSec = new Writer().u32(lib.globals.length + (input.prepare.length > 0 ? 1 : 0));
  lib.globals.forEach((g, i) => {
    const base = baseGlobals.get(i);
    if (base === undefined) globalSec.bytes(g);
    else globalSec.byte(g[0]!, 0x00, 0x41).i32(base).byte(0x0b); // immutable, the model's value
  });
  if (input.prepare.length > 0) globalSec.byte(0x7f, 0x01, 0x41, 0x00, 0x0b);
  section(out, SECTION.global, globalSec);
  section(out, SECTION.export, new Writer().u32(2).name('memory').byte(2).u32(0).name('invoke').byte(0).u32(invokeIndex));

  /** One function being emitted: its code, and the value types of the locals inlining added after its own. */
  interface Emitting { code: Writer; firstFresh: number; fresh: number[] }
  /**
   * Writes the instructions of `fn`'s body into `into`: as it is (`localBase` null), or inlined, its locals
   * shifted by `localBase` and its `return`s branches out of the block that wraps it. `inLoop`: the code
   * may run more than once per call of the emitted function (inlined locals then restart at zero).
   */
  const emitBody = (fn: number, into: Emitting, localBase: number | null, inLoop: boolean, chain: number[]): void => {
    const { start, end } = lib.bodies[fn]!;
    const { code } = localsOf(lib.bytes, start, end);
    const out = into.code;
    const blocks: boolean[] = []; // per open block: is it a loop
    for (const ins of instructions(lib.bytes, code, end)) {
      const { op } = ins;
      if (op === 0x02 || op === 0x03 || op === 0x04) blocks.push(op === 0x03);
      else if (op === 0x0b) blocks.pop();
      if (op === 0x10) {
        const callee = immediate(lib.bytes, ins);
        if (!inlined.has(callee)) out.byte(0x10).u32(newIndex.get(callee)!);
        else if (chain.includes(callee) || callee === fn) fail(`function ${callee} calls itself through single-site calls`, { function: callee });
        else emitInlined(callee, into, inLoop || blocks.includes(true), [...chain, fn]);
      } else if (op === 0x23 && baseGlobals.has(immediate(lib.bytes, ins))) {
        out.byte(0x41).i32(baseGlobals.get(immediate(lib.bytes, ins))!);
      } else if (localBase !== null && (op === 0x20 || op === 0x21 || op === 0x22)) {
        out.byte(op).u32(immediate(lib.bytes, ins) + localBase);
      } else if (localBase !== null && op === 0x0f) {
        out.byte(0x0c).u32(blocks.length); // return -> br to the wrapping block
      } else {
        out.bytes(lib.bytes.subarray(ins.start, ins.end));
      }
    }
  };
  /** `fn`'s body in place of a call to it: the arguments into fresh locals, its locals fresh (zeroed when run again), then its code in a block with its result. */
  const emitInlined = (fn: number, into: Emitting, inLoop: boolean, chain: number[]): void => {
    const { params, results } = signature(lib.types[lib.funcTypes[fn]!]!);
    const { start, end } = lib.bodies[fn]!;
    const own = localsOf(lib.bytes, start, end).types;
    const base = into.firstFresh + into.fresh.length;
    into.fresh.push(...params, ...own);
    for (let p = params.length - 1; p >= 0; p--) into.code.byte(0x21).u32(base + p);
    if (inLoop) own.forEach((t, i) => into.code.byte(...zeroOf(t), 0x21).u32(base + params.length + i));
    into.code.byte(0x02, results.length === 0 ? 0x40 : results[0]!);
    emitBody(fn, into, base, inLoop, chain); // its closing end closes the block
  };
  /** A function's body: its locals (its own, then the inlined ones'), then the code. */
  const functionBody = (declared: number[], firstFresh: number, emit: (into: Emitting) => void): Writer => {
    const into: Emitting = { code: new Writer(), firstFresh, fresh: [] };
    emit(into);
    const locals = [...declared, ...into.fresh];
    const groups: Array<[number, number]> = [];
    for (const t of locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = new Writer().u32(groups.length);
    for (const [n, t] of groups) body.u32(n).byte(t);
    return body.bytes(into.code.finish());
  };

  const codeSec = new Writer().u32(kept.length + 1);
  for (const fn of kept) {
    const { start, end } = lib.bodies[fn]!;
    const declared = localsOf(lib.bytes, start, end).types;
    const params = signature(lib.types[lib.funcTypes[fn]!]!).params.length;
    const body = functionBody(declared, params + declared.length, (into) => emitBody(fn, into, null, false, []));
    codeSec.u32(body.length).bytes(body.finish());
  }
  const invoke = functionBody([], 0, (into) => {
    const call = (c: LinkCall) => {
      const fn = functionOf(c.symbol);
      into.code.byte(0x41).i32(c.record);
      if (inlined.has(fn)) emitInlined(fn, into, false, []);
      else into.code.byte(0x10).u32(newIndex.get(fn)!);
    };
    if (input.prepare.length > 0) {
      into.code.byte(0x23).u32(preparedGlobal).byte(0x45, 0x04, 0x40); // if (!prepared)
      input.prepare.forEach(call);
      into.code.byte(0x41, 0x01, 0x24).u32(preparedGlobal).byte(0x0b); // prepared = 1
    }
    input.calls.forEach(call);
    into.code.byte(0x0b);
  });
  codeSec.u32(invoke.length).bytes(invoke.finish());
  section(out, SECTION.code, codeSec);

  const ranges = dataRanges(input.data, input.dataOffset);
  if (ranges.length > 0) {
    const dataSec = new Writer().u32(ranges.length);
    for (const [s, e] of ranges) dataSec.byte(0x00, 0x41).i32(input.dataOffset + s).byte(0x0b).u32(e - s).bytes(input.data.subarray(s, e));
    section(out, 11, dataSec);
  }
  return out.finish();
}
