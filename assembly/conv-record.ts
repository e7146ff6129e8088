// One reader of the convolution argument records: conv2d, dwconv2d and their _lut records start with the same 29
// words (src/schedule/abi/records.ts: the _lut records append to the plain ones; conv2d's word 16 is filter_depth,
// dwconv2d's depth_multiplier) and the two _lut records continue with the same LUT words, so each shared field's
// offset (assembly/abi.ts) is named here once. test/wasm/conv-record.test.ts checks that the records agree on
// every word read here. Each getter inlines to the record load a kernel would write itself.
import {
  CONV2D_INPUT, CONV2D_OUTPUT, CONV2D_FILTER, CONV2D_BIAS, CONV2D_MULTIPLIER, CONV2D_SHIFT, CONV2D_SCRATCH,
  CONV2D_BATCHES, CONV2D_IN_H, CONV2D_IN_W, CONV2D_IN_DEPTH, CONV2D_OUT_H, CONV2D_OUT_W, CONV2D_OUT_DEPTH,
  CONV2D_FILTER_H, CONV2D_FILTER_W, CONV2D_FILTER_DEPTH, CONV2D_STRIDE_H, CONV2D_STRIDE_W, CONV2D_DILATION_H,
  CONV2D_DILATION_W, CONV2D_PAD_TOP, CONV2D_PAD_LEFT, CONV2D_INPUT_OFFSET, CONV2D_OUTPUT_OFFSET, CONV2D_ACT_MIN,
  CONV2D_ACT_MAX, CONV2D_WORKSPACE, DWCONV2D_DEPTH_MULTIPLIER, CONV2D_LUT_ANCILLARY, CONV2D_LUT_BIT_WIDTH,
  CONV2D_LUT_STRIDE, CONV2D_LUT_CHANNELS,
} from './abi';
import { arg, ptr, useWorkspace } from './base';
import { lutTables, lutTableStride } from './decode';

/** A conv2d / dwconv2d / conv2d_lut / dwconv2d_lut record in place (`convRecord(args)`): pointers resolved, words as i32. */
// @ts-ignore: decorator
@final @unmanaged
export class ConvRecord {
  // @ts-ignore: decorator
  @inline get input(): usize { return ptr(changetype<usize>(this), CONV2D_INPUT); }
  // @ts-ignore: decorator
  @inline get output(): usize { return ptr(changetype<usize>(this), CONV2D_OUTPUT); }
  /** The int8 filter, or a _lut record's packed indices. */
  // @ts-ignore: decorator
  @inline get filter(): usize { return ptr(changetype<usize>(this), CONV2D_FILTER); }
  // @ts-ignore: decorator
  @inline get bias(): usize { return ptr(changetype<usize>(this), CONV2D_BIAS); }
  // @ts-ignore: decorator
  @inline get multiplier(): usize { return ptr(changetype<usize>(this), CONV2D_MULTIPLIER); }
  // @ts-ignore: decorator
  @inline get shift(): usize { return ptr(changetype<usize>(this), CONV2D_SHIFT); }
  // @ts-ignore: decorator
  @inline get scratch(): usize { return ptr(changetype<usize>(this), CONV2D_SCRATCH); }
  // @ts-ignore: decorator
  @inline get batches(): i32 { return arg(changetype<usize>(this), CONV2D_BATCHES); }
  // @ts-ignore: decorator
  @inline get inH(): i32 { return arg(changetype<usize>(this), CONV2D_IN_H); }
  // @ts-ignore: decorator
  @inline get inW(): i32 { return arg(changetype<usize>(this), CONV2D_IN_W); }
  // @ts-ignore: decorator
  @inline get inDepth(): i32 { return arg(changetype<usize>(this), CONV2D_IN_DEPTH); }
  // @ts-ignore: decorator
  @inline get outH(): i32 { return arg(changetype<usize>(this), CONV2D_OUT_H); }
  // @ts-ignore: decorator
  @inline get outW(): i32 { return arg(changetype<usize>(this), CONV2D_OUT_W); }
  // @ts-ignore: decorator
  @inline get outDepth(): i32 { return arg(changetype<usize>(this), CONV2D_OUT_DEPTH); }
  // @ts-ignore: decorator
  @inline get filterH(): i32 { return arg(changetype<usize>(this), CONV2D_FILTER_H); }
  // @ts-ignore: decorator
  @inline get filterW(): i32 { return arg(changetype<usize>(this), CONV2D_FILTER_W); }
  /** conv2d records only: input channels per group. */
  // @ts-ignore: decorator
  @inline get filterDepth(): i32 { return arg(changetype<usize>(this), CONV2D_FILTER_DEPTH); }
  /** dwconv2d records only: output channels per input channel. */
  // @ts-ignore: decorator
  @inline get depthMultiplier(): i32 { return arg(changetype<usize>(this), DWCONV2D_DEPTH_MULTIPLIER); }
  // @ts-ignore: decorator
  @inline get strideH(): i32 { return arg(changetype<usize>(this), CONV2D_STRIDE_H); }
  // @ts-ignore: decorator
  @inline get strideW(): i32 { return arg(changetype<usize>(this), CONV2D_STRIDE_W); }
  // @ts-ignore: decorator
  @inline get dilationH(): i32 { return arg(changetype<usize>(this), CONV2D_DILATION_H); }
  // @ts-ignore: decorator
  @inline get dilationW(): i32 { return arg(changetype<usize>(this), CONV2D_DILATION_W); }
  // @ts-ignore: decorator
  @inline get padTop(): i32 { return arg(changetype<usize>(this), CONV2D_PAD_TOP); }
  // @ts-ignore: decorator
  @inline get padLeft(): i32 { return arg(changetype<usize>(this), CONV2D_PAD_LEFT); }
  // @ts-ignore: decorator
  @inline get inputOffset(): i32 { return arg(changetype<usize>(this), CONV2D_INPUT_OFFSET); }
  // @ts-ignore: decorator
  @inline get outputOffset(): i32 { return arg(changetype<usize>(this), CONV2D_OUTPUT_OFFSET); }
  // @ts-ignore: decorator
  @inline get actMin(): i32 { return arg(changetype<usize>(this), CONV2D_ACT_MIN); }
  // @ts-ignore: decorator
  @inline get actMax(): i32 { return arg(changetype<usize>(this), CONV2D_ACT_MAX); }
  /** Points WORK_BASE at the call's planned workspace. */
  // @ts-ignore: decorator
  @inline useWorkspace(): void { useWorkspace(changetype<usize>(this), CONV2D_WORKSPACE); }
  /** _lut records only: bits per packed index. */
  // @ts-ignore: decorator
  @inline get lutBits(): i32 { return arg(changetype<usize>(this), CONV2D_LUT_BIT_WIDTH); }
  /** _lut records only: the first table (after the ancillary header). */
  // @ts-ignore: decorator
  @inline get lutTables(): usize { return lutTables(changetype<usize>(this), CONV2D_LUT_ANCILLARY); }
  /** _lut records only: bytes from one channel's table to the next (0: one table for all). */
  // @ts-ignore: decorator
  @inline get lutStride(): i32 { return lutTableStride(changetype<usize>(this), CONV2D_LUT_CHANNELS, CONV2D_LUT_STRIDE); }
}

/** The convolution record at `args`. */
// @ts-ignore: decorator
@inline
export function convRecord(args: usize): ConvRecord {
  return changetype<ConvRecord>(args);
}
