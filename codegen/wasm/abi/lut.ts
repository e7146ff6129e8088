// LUT-stored weights (Tensor.lut, src/passes/fuse-decode.ts) in the wasm backend. planModel's default
// (LutStorage.atLoad) has the module decode each LUT constant once, at its first invoke, into memory outside the
// arena (prepare.ts): the faster module (bench/lut-fused.ts). With lutAtLoad false the kernels read them at each
// invoke instead, with the C kernels' choices (src/ir/lut.ts convLutDecodesWhole, src/ir/workspace.ts):
//  - FULLY_CONNECTED: fully_connected_lut_s8 decodes FC_LUT_ROWS units at a time into its workspace;
//  - CONV_2D whose whole filter conv_lut.c decodes: a decode_lut_s8 call writes the filter into the start of
//    the call's planned workspace, then the plain kernel (conv2d_s8*, any variant) runs on it with the rest;
//  - DEPTHWISE_CONV_2D: likewise (its filters are small), then dwconv2d_s8*;
//  - a larger pointwise CONV_2D: conv2d_lut_s8 over blocks of convLutChannels channels; any other decodes each
//    weight in its dot loop.
// The module's memory is then the plan's arena plus the packed constants: no decoded copy. Any other reader of
// a LUT constant gets the copy decoded at load either way.
import type { Graph, LutStorage, Tensor } from '../../../src/ir/graph.js';
import { elementCount } from '../../../src/ir/shapes.js';
import { UsageError } from '../../../src/errors.js';
import type { ConstantData } from '../../../src/schedule/abi/constants.js';
import type { LowerContext } from '../../../src/schedule/abi/context.js';
import type { LoweredCall } from '../../../src/schedule/abi/lower.js';
import { CONST_ALIGN, constRef, RecordWriter, type RecordValues } from '../../../src/schedule/abi/records.js';
import type { KernelCall } from '../../../src/schedule/types.js';
import { wasmRecordFields } from './records.js';

const up16 = (n: number) => Math.ceil(n / 16) * 16;

/** The decode_lut record's fields for `count` values of `lut` written to `output` (a tensor reference). */
export function decodeFields(consts: ConstantData, lut: LutStorage, count: number, output: number): RecordValues {
  return {
    input: constRef(consts.add(lut.packed, CONST_ALIGN)), ancillary: constRef(consts.add(lut.ancillary, CONST_ALIGN)), output, count,
    bit_width: lut.bitWidth, stride: lut.valueStride, channels: lut.channels, channel_axis_last: lut.channelAxisLast ? 1 : 0,
  };
}

/** Whether a reader (op input `slot`) of a LUT constant reads it packed or decodes it into its workspace itself. */
function readsItself(graph: Graph, kind: string, slot: number, inputId: number): boolean {
  if (slot !== 1 || graph.tensors[inputId]?.dtype !== 'int8') return false;
  return kind === 'CONV_2D' || kind === 'DEPTHWISE_CONV_2D' || kind === 'FULLY_CONNECTED';
}

/** Whether a LUT constant needs the copy decoded at load: stored so, or some reader takes plain int8 values. */
export function needsLoadCopy(graph: Graph, id: number, tensor: Tensor): boolean {
  if (tensor.lut?.atLoad) return true;
  return graph.ops.some((op) => op.inputs.some((t, slot) => t === id && !readsItself(graph, op.kind, slot, op.inputs[0]!)));
}

/** The decode calls before the calls that decode their whole filter into their workspace. */
export class WorkspaceDecodes {
  private decodes = new Map<KernelCall, RecordWriter>();
  private records = new Map<KernelCall, number>();

  /**
   * For a plain CONV_2D / DEPTHWISE_CONV_2D kernel call whose filter is a LUT constant read at each invoke: a
   * decode into the start of the call's workspace, and the record fields that point the kernel at it (the
   * filter, the rest of the workspace); {} for any other call.
   */
  first(ctx: LowerContext, call: KernelCall, fields: RecordValues, where: string): Record<string, number> {
    const o = call.inputs[1];
    const filter = o && 'constant' in o ? ctx.graph.tensors[o.constant]! : null;
    if (!filter?.lut || filter.lut.atLoad) return {};
    const count = elementCount(filter.shape);
    const at = fields.workspace as number, bytes = fields.workspace_bytes as number;
    if (bytes < up16(count)) {
      throw new UsageError(`${where}: its LUT filter decodes to ${count} bytes, the plan gives the call ${bytes} workspace bytes: plan for the wasm kernels (backend 'wasm')`, {
        filterBytes: count, plannedBytes: bytes,
      });
    }
    this.decodes.set(call, new RecordWriter('decode_lut', wasmRecordFields('decode_lut')).set(decodeFields(ctx.consts, filter.lut, count, at)));
    return { filter: at, workspace: at + up16(count), workspace_bytes: bytes - up16(count) };
  }

  /** Writes the decode records (after every call's record). */
  addRecords(consts: ConstantData): void {
    for (const [call, rec] of this.decodes) this.records.set(call, consts.add(new Uint8Array(rec.words.buffer), CONST_ALIGN, 'record'));
  }

  /** The calls with each decode call before its kernel call. */
  splice(calls: LoweredCall[]): LoweredCall[] {
    if (this.records.size === 0) return calls;
    return calls.flatMap((c) => {
      const record = c.call.type === 'kernel' ? this.records.get(c.call) : undefined;
      return record === undefined ? [c] : [{ symbol: 'decode_lut_s8', record, call: c.call }, c];
    });
  }
}
