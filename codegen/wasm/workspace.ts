// The wasm kernels' private workspace: bytes a call needs beyond the planned arena (assembly/base.ts
// WORK_BASE). It mirrors the kernels' own choices (assembly/conv.ts convQ, depthwise.ts depthwiseQ,
// fully-connected.ts); the emitter reserves the largest need of the model's calls after the arena.
import { KERNELS, recordFields, recordWords, type RecordName } from '../../src/schedule/abi.js';
import { OP_TABLE } from '../../src/ir/op-table.js';
import type { LoweredSchedule } from '../../src/schedule/abi.js';

/** Pixels per group of the pointwise stream-pixel convolution (assembly/conv.ts PIXEL_GROUP). */
const PIXEL_GROUP = 16;
/** Output pixels per block of the direct (no im2col) convolution (assembly/conv.ts DIRECT_PIXELS). */
const DIRECT_PIXELS = 4;

function reader(record: RecordName, words: Int32Array): (name: string) => number {
  const index = new Map(recordFields(record).map((f) => [f.name, f.index]));
  return (name) => words[index.get(name)!]!;
}

/** Tiles per multiply block of the Winograd convolution (assembly/winograd.ts TB). */
const WINOGRAD_TB = 4;

function winogradBytes(outW: number, depth: number): number {
  const tiles = Math.ceil(Math.ceil(outW / 2) / WINOGRAD_TB) * WINOGRAD_TB;
  return Math.ceil((4 * (2 * tiles + 2) * depth) / 16) * 16 + tiles * 32 * depth + WINOGRAD_TB * 512;
}

/** Workspace bytes of one kernel call (its symbol and argument-record words). */
export function callWorkspaceBytes(symbol: string, words: Int32Array): number {
  const op = KERNELS[symbol]?.ops[0];
  if (op === 'CONV_2D') {
    const f = reader('conv2d', words);
    if (f('qparams') === 0 || f('filter_depth') !== f('in_depth') || symbol === 'conv2d_s8_1x1') return 0;
    if (f('winograd') !== 0) {
      // assembly/winograd.ts (SIMD; stream-pixel and the scalar build take the other paths, sized without it)
      const plain = Int32Array.from(words);
      plain[recordFields('conv2d').find((x) => x.name === 'winograd')!.index] = 0;
      const wino = symbol === 'conv2d_s8_stream_pixel' ? 0 : winogradBytes(f('out_w'), f('in_depth'));
      return Math.max(wino, callWorkspaceBytes(symbol, plain));
    }
    const depth = f('in_depth'), outDepth = f('out_depth'), outW = f('out_w');
    const pointwise = f('filter_h') === 1 && f('filter_w') === 1 && f('stride_h') === 1 && f('stride_w') === 1 &&
      f('pad_top') === 0 && f('pad_left') === 0 && f('out_h') === f('in_h') && outW === f('in_w');
    if (pointwise) {
      if (symbol === 'conv2d_s8') return 0;
      return (symbol === 'conv2d_s8_stream_row' ? outW : PIXEL_GROUP) * depth;
    }
    const fh = f('filter_h'), span = f('filter_w') * depth;
    // im2col rows of K taps padded to K8 (and the weights repacked to K8 when K8 != K)
    const im2col = (K: number) => {
      const K8 = Math.ceil(K / 8) * 8;
      return (K8 !== K ? Math.ceil((outDepth * K8) / 16) * 16 : 0) + outW * K8;
    };
    const plain = im2col(fh * span); // the scalar build never uses packed weights
    if (f('packed') === 0) return plain;
    const rowLen = span + (span & 1);
    if (f('dilation_w') !== 1 || fh * f('filter_w') === 1 || rowLen < 8) return Math.max(plain, im2col(fh * rowLen));
    // convDirect: DIRECT_PIXELS padded windows, then the stream-row row / stream-pixel block of outputs
    const outBuf = symbol === 'conv2d_s8_stream_row' ? outW * outDepth : symbol === 'conv2d_s8_stream_pixel' ? DIRECT_PIXELS * outDepth : 0;
    return Math.max(plain, Math.ceil((DIRECT_PIXELS * fh * rowLen) / 16) * 16 + outBuf);
  }
  if (op === 'DEPTHWISE_CONV_2D') {
    const f = reader('dwconv2d', words);
    if (f('qparams') === 0) return 0;
    // assembly/depthwise.ts depthwiseQ: a ring of padded input rows (16-aligned), then one int32 tap offset per tap
    const depth = f('out_depth'), outH = f('out_h'), strideH = f('stride_h'), inH = f('in_h'), padTop = f('pad_top');
    const span = (f('filter_h') - 1) * f('dilation_h') + 1;
    const wp = (f('out_w') - 1) * f('stride_w') + (f('filter_w') - 1) * f('dilation_w') + 1;
    let rows = span;
    if (symbol === 'dwconv2d_s8_inplace_channel') {
      // ringRows: at delta 0 output row oy also needs the input rows it covers in the ring before it is written
      const hp = (outH - 1) * strideH + span, inRow = f('in_w') * f('in_depth'), outRow = f('out_w') * depth;
      for (let oy = 0; oy < outH; oy++) {
        const last = Math.min(Math.min(Math.floor(((oy + 1) * outRow - 1) / inRow), inH - 1) + padTop, hp - 1);
        rows = Math.max(rows, last - oy * strideH + 1);
      }
    }
    return Math.ceil((rows * wp * depth) / 16) * 16 + f('filter_h') * f('filter_w') * 4;
  }
  if (symbol === 'fully_connected_s8_stream_row') {
    const f = reader('fully_connected', words);
    return f('qparams') === 0 ? 0 : f('depth');
  }
  return 0;
}

/** The workspace a lowered schedule needs: the largest of its calls' (16-byte multiple). */
export function workspaceBytes(lowered: LoweredSchedule): number {
  let most = 0;
  for (const c of lowered.calls) {
    const spec = recordOf(c.symbol);
    if (!spec) continue;
    const words = new Int32Array(lowered.constants.buffer, lowered.constants.byteOffset + c.record, spec);
    most = Math.max(most, callWorkspaceBytes(c.symbol, words));
  }
  return Math.ceil(most / 16) * 16;
}

/** Words of the symbol's record when its kernel has a workspace (the op table says which), else null. */
function recordOf(symbol: string): number | null {
  const spec = KERNELS[symbol];
  if (!spec) throw new Error(`kernel symbol ${symbol} is not in the kernel ABI`);
  const op = spec.ops[0]!;
  if (op === 'copy-window' || OP_TABLE[op].workspace.wasm === 'none') return null;
  return recordWords(spec.record);
}
