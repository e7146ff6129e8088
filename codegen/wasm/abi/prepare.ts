// The wasm extension's preparation steps: constant data the lowering only reserves (zeros, which the
// module's data segment does not store) and the module fills at the start of its first invoke, with
// kernels of the same calling convention as the model's calls (PREPARE_KERNELS).
//
// ## Int16 filters (`wide`, CONV_2D / FULLY_CONNECTED, wasm SIMD only)
// With qparams and no `packed` weights, a one-group filter of K taps per output channel, K a multiple of
// 8, may also get an int16 copy (0 = absent; C leaves it off): the filter's layout, each weight
// sign-extended, so that the kernel's weight loads need no widening. The constant data only reserves it
// (zeros, which the module's data segment does not store); a preparation step (LoweredSchedule.prepare,
// widen_s8_s16) fills it before the first kernel call (the wasm module: at the start of its first invoke).
//
// ## Lookup tables (`lut`, ADD / SUB, wasm only)
// With WasmLowerOptions.lookupTables, an int8 ADD / SUB of at least LUT_MIN_ELEMENTS outputs may get a 64 KiB
// table (0 = absent): entry (x1 as uint8) << 8 | (x2 as uint8) is the op's clamped int8 output for inputs
// (x1, x2). The constant data only reserves it; a preparation step (add_lut_s8 / sub_lut_s8 with a copy of
// the op's record) computes every entry with the kernel's own element arithmetic.
//
// ## Decoded LUT weights (LutStorage.atLoad, or a reader that takes plain int8 values: lut.ts)
// A constant stored LUT-compressed (Tensor.lut, src/passes/fuse-decode.ts) that a plain kernel reads gets
// a decoded int8 copy: the module ships the packed indices and tables only; the copy is reserved here and
// filled at the first invoke by the model kernel decode_lut_s8 (a DECODE record over the two constants), in
// module memory outside the arena. Steps run in order, so a `wide` or `winograd` step of the same filter,
// pushed after it, reads the decoded copy.
//
// ## Winograd weights (`winograd`, CONV_2D, wasm SIMD only)
// With qparams and WasmLowerOptions.winograd, a one-group 3x3 CONV_2D of stride 1 and dilation 1, in_depth a
// multiple of 8 (at most 2048) and out_depth a multiple of 8, also gets its filter transformed for
// Winograd F(2x2, 3x3) (0 = absent): U = (2G) g (2G)^T per (oc, ic), 2G = [[2,0,0],[1,1,1],[1,-1,1],[0,0,2]],
// 16 int16 positions t = 4i + j. Block b (channels 8b..8b+7), position t, input channel pair p is 8 int16
// at winograd + ((b * 16 + t) * in_depth / 2 + p) * 16 elements, interleaved like `packed`: element
// 2c + e = U[t] of channel 8b + c, input channel 2p + e (c < 4), element 8 + 2c + e that of 8b + 4 + c.
// The constant data only reserves them; a preparation step (winograd_weights_s8) computes them from the
// int8 filter at the first invoke.
//
import type { Tensor } from '../../../src/ir/graph.js';
import type { ConstantData } from '../../../src/schedule/abi/constants.js';
import { KERNELS, type KernelSpec } from '../../../src/schedule/abi/kernels.js';
import { elementCount } from '../../../src/ir/shapes.js';
import { CONST_ALIGN, constRef, RecordWriter, WEIGHTS_ALIGN, type RecordValues } from '../../../src/schedule/abi/records.js';
import { wasmRecordFields, type WasmRecordName } from './records.js';
import { decodeFields } from './lut.js';

/** The preparation kernels (assembly/), the record each takes and the op kinds whose data they fill. */
export const PREPARE_KERNELS: Record<string, KernelSpec<WasmRecordName>> = {
  widen_s8_s16: { record: 'widen', ops: ['CONV_2D', 'FULLY_CONNECTED'], variant: 'default', summary: 'the `wide` int16 copy of an int8 filter' },
  winograd_weights_s8: { record: 'winograd_weights', ops: ['CONV_2D'], variant: 'default', summary: 'the `winograd` weights of a 3x3 filter' },
  add_lut_s8: { record: 'add', ops: ['ADD'], variant: 'default', summary: 'the `lut` of an int8 ADD, from its own record' },
  sub_lut_s8: { record: 'add', ops: ['SUB'], variant: 'default', summary: 'the `lut` of an int8 SUB, from its own record' },
};

/** Smallest ADD / SUB (output elements) that gets a lookup table. */
export const LUT_MIN_ELEMENTS = 4096;

/** A preparation call: its kernel and the byte offset of its record in the constant data. */
export interface PrepareStep {
  symbol: string;
  record: number;
}

/** The preparation steps of one lowering: each reserved array once, records written after the calls' records. */
export class PrepareSteps {
  private steps: Array<{ symbol: string; rec: RecordWriter }> = [];
  /** Filter tensor id -> offset of its int16 copy / of its Winograd weights; ADD/SUB parameters -> offset of their table. */
  private wideOffsets = new Map<number, number>();
  private winogradOffsets = new Map<number, number>();
  private lutOffsets = new Map<string, number>();
  private decodedOffsets = new Map<number, number>();
  /** Bytes reserved for LUT constants decoded at the first invoke. */
  decodedBytes = 0;

  private push(symbol: string, values: RecordValues): void {
    // a wasm-only preparation kernel, or a model kernel (decode_lut_s8) with its own record
    const record = (PREPARE_KERNELS[symbol] ?? KERNELS[symbol]!).record;
    this.steps.push({ symbol, rec: new RecordWriter(record, wasmRecordFields(record)).set(values) });
  }

  /** The int16 copy of a constant int8 filter (at constant offset `from`) of `units` rows of K taps (see the header), or 0. */
  wide(consts: ConstantData, filterId: number, filter: Tensor | null, from: number, units: number, K: number): number {
    if (!filter?.data || filter.dtype !== 'int8' || K % 8 !== 0 || filter.data.length !== units * K) return 0;
    let to = this.wideOffsets.get(filterId);
    if (to === undefined) {
      to = consts.reserve(units * K * 2, WEIGHTS_ALIGN);
      this.push('widen_s8_s16', { input: constRef(from), output: constRef(to), count: units * K });
      this.wideOffsets.set(filterId, to);
    }
    return constRef(to);
  }

  /**
   * The Winograd weights (see the header) of a 3x3 one-group CONV_2D filter [oc, 3, 3, ic] at constant
   * offset `from`: reserved here, computed from the int8 filter by winograd_weights_s8 at the first
   * invoke, so the module carries the filter once, as int8.
   */
  winograd(consts: ConstantData, filterId: number, filter: Tensor | null, from: number, outDepth: number, depth: number): number {
    // 4 x the int32 accumulator must not wrap (|4 acc| <= 4 * 9 * 128 * 128 * depth < 2^31)
    if (!filter?.data || filter.dtype !== 'int8' || outDepth % 8 !== 0 || depth % 8 !== 0 || depth > 2048) return 0;
    let at = this.winogradOffsets.get(filterId);
    if (at === undefined) {
      at = consts.reserve(outDepth * depth * 32, WEIGHTS_ALIGN);
      this.winogradOffsets.set(filterId, at);
      this.push('winograd_weights_s8', { input: constRef(from), output: constRef(at), out_depth: outDepth, in_depth: depth });
    }
    return constRef(at);
  }

  /**
   * The lookup table (see the header) of an int8 ADD / SUB whose record has `fields`: one per distinct
   * parameter set (`key`), filled by a step that runs the kernel's own element formula on the op's record.
   */
  lut(consts: ConstantData, symbol: 'add_lut_s8' | 'sub_lut_s8', key: string, fields: RecordValues): number {
    let at = this.lutOffsets.get(key);
    if (at === undefined) {
      at = consts.reserve(65536, WEIGHTS_ALIGN);
      this.lutOffsets.set(key, at);
      this.push(symbol, { ...fields, lut: constRef(at) });
    }
    return constRef(at);
  }

  /** The decoded int8 copy (see the header) of a LUT-stored constant: its offset in the constant data. */
  decoded(consts: ConstantData, id: number, tensor: Tensor): number {
    let at = this.decodedOffsets.get(id);
    if (at === undefined) {
      const lut = tensor.lut!;
      const count = elementCount(tensor.shape);
      at = consts.reserve(count, WEIGHTS_ALIGN);
      this.decodedBytes += count;
      this.decodedOffsets.set(id, at);
      this.push('decode_lut_s8', decodeFields(consts, lut, count, constRef(at)));
    }
    return at;
  }

  /** Writes the steps' records (after every call's: a step may read the op's own record) and lists the steps. */
  addRecords(consts: ConstantData): PrepareStep[] {
    return this.steps.map(({ symbol, rec }) => ({ symbol, record: consts.add(new Uint8Array(rec.words.buffer), CONST_ALIGN, 'record') }));
  }
}
