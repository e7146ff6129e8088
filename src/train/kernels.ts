// tfjs kernel functions over the SIMD training kernels. Each takes tfjs's own inputs and attrs, computes
// the geometry with tfjs's helpers (so pads and output sizes are tfjs's), and falls back to the cpu
// kernel for what the wasm does not cover (NCHW, non-float32, channel multiplier > 1, broadcast batches).
import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { TrainArena } from './arena.js';
import { ELEMENTWISE } from './elementwise.js';

type Args = Parameters<KernelFunc>[0];

function valuesOf(backend: MathBackendCPU, t: TensorInfo): Float32Array {
  return backend.data.get(t.dataId).values as Float32Array;
}

function allFloat(...ts: TensorInfo[]): boolean {
  return ts.every((t) => t.dtype === 'float32');
}

/** Hands a conv-like geometry to the wasm: tfjs's Conv2DInfo, channels last. */
function setGeometry(arena: TrainArena, info: backend_util.Conv2DInfo): void {
  arena.k.convGeometry(info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.filterHeight, info.filterWidth,
    info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth, info.padInfo.top, info.padInfo.left,
    info.outHeight, info.outWidth, info.outChannels);
}

/** Scratch for one conv call: one image's patch matrix and the GEMM's packed panel (8 columns by the longest reduction). */
function convScratch(arena: TrainArena, info: backend_util.Conv2DInfo): { cols: number; pack: number } {
  const K = info.filterHeight * info.filterWidth * info.inChannels;
  const M = info.outHeight * info.outWidth;
  const cols = arena.alloc(M * K);
  const pack = arena.alloc(8 * Math.max(K, info.outChannels, M, info.batchSize * info.inHeight * info.inWidth));
  return { cols, pack };
}

/**
 * One wasm kernel call: copies `inputs` in (pointers in that order), allocates the float32 output of
 * `outShape`, sets the geometry, runs `call`, and returns the output as a cpu-backend tensor.
 */
function inWasm(arena: TrainArena, args: Args, inputs: TensorInfo[], outShape: number[], info: backend_util.Conv2DInfo | null,
  call: (ptrs: number[], out: number) => void): TensorInfo {
  const backend = args.backend as MathBackendCPU;
  arena.reset();
  const ptrs = inputs.map((t) => arena.put(valuesOf(backend, t)));
  const size = util.sizeFromShape(outShape);
  const out = arena.alloc(size);
  if (info !== null) setGeometry(arena, info);
  call(ptrs, out);
  return backend.makeTensorInfo(outShape, 'float32', arena.read(out, size));
}

type Override = (arena: TrainArena, args: Args, fallback: KernelFunc) => TensorInfo | TensorInfo[];

const conv2D: Override = (arena, args, fallback) => {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  const a = args.attrs as unknown as { strides: number | [number, number]; pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW'; dilations: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
  if (a.dataFormat === 'NCHW' || !allFloat(x, filter)) return fallback(args);
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    a.strides, a.dilations, a.pad, a.dimRoundingMode, false, 'channelsLast');
  return inWasm(arena, args, [x, filter], info.outShape, info, ([px, pw], py) => {
    const { cols, pack } = convScratch(arena, info);
    arena.k.conv2d(px!, pw!, py, cols, pack);
  });
};

const conv2DBackpropInput: Override = (arena, args, fallback) => {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = args.attrs as unknown as { inputShape: [number, number, number, number]; strides: number | [number, number];
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
  if (a.dataFormat === 'NCHW' || !allFloat(dy, filter)) return fallback(args);
  const info = backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number],
    a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  return inWasm(arena, args, [dy, filter], info.inShape, info, ([pdy, pw], pdx) => {
    const { cols, pack } = convScratch(arena, info);
    arena.k.conv2dBackpropInput(pdy!, pw!, pdx, cols, pack);
  });
};

const conv2DBackpropFilter: Override = (arena, args, fallback) => {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const a = args.attrs as unknown as { filterShape: [number, number, number, number]; strides: number | [number, number];
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
  if (a.dataFormat === 'NCHW' || !allFloat(x, dy)) return fallback(args);
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape,
    a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  return inWasm(arena, args, [x, dy], info.filterShape, info, ([px, pdy], pdw) => {
    const { cols, pack } = convScratch(arena, info);
    arena.k.conv2dBackpropFilter(px!, pdy!, pdw, cols, pack);
  });
};

type DepthwiseAttrs = { strides: number | [number, number]; pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil' };

/**
 * Depthwise geometry when the wasm covers it (channel multiplier 1), else null. The gradients also need
 * dilation 1: tfjs's cpu backprops ignore dilation (its gradient refuses it), so that case stays theirs.
 */
function depthwiseInfo(inShape: number[], filterShape: number[], a: DepthwiseAttrs, gradient: boolean): backend_util.Conv2DInfo | null {
  if (filterShape[3] !== 1) return null;
  const info = backend_util.computeConv2DInfo(inShape as [number, number, number, number], filterShape as [number, number, number, number],
    a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
  return gradient && (info.dilationHeight !== 1 || info.dilationWidth !== 1) ? null : info;
}

const depthwiseConv2dNative: Override = (arena, args, fallback) => {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  const info = allFloat(x, filter) ? depthwiseInfo(x.shape, filter.shape, args.attrs as unknown as DepthwiseAttrs, false) : null;
  if (info === null) return fallback(args);
  return inWasm(arena, args, [x, filter], info.outShape, info, ([px, pw], py) => arena.k.depthwise(px!, pw!, py));
};

const depthwiseBackpropInput: Override = (arena, args, fallback) => {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = args.attrs as unknown as DepthwiseAttrs & { inputShape: number[] };
  const info = allFloat(dy, filter) ? depthwiseInfo(a.inputShape, filter.shape, a, true) : null;
  if (info === null) return fallback(args);
  return inWasm(arena, args, [dy, filter], info.inShape, info, ([pdy, pw], pdx) => arena.k.depthwiseBackpropInput(pdy!, pw!, pdx));
};

const depthwiseBackpropFilter: Override = (arena, args, fallback) => {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const a = args.attrs as unknown as DepthwiseAttrs & { filterShape: number[] };
  const info = allFloat(x, dy) ? depthwiseInfo(x.shape, a.filterShape, a, true) : null;
  if (info === null) return fallback(args);
  return inWasm(arena, args, [x, dy], info.filterShape, info, ([px, pdy], pdw) => arena.k.depthwiseBackpropFilter(px!, pdy!, pdw));
};

type PoolAttrs = { filterSize: number | [number, number]; strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding; dimRoundingMode?: 'floor' | 'round' | 'ceil' };

function poolInfo(shape: number[], a: PoolAttrs): backend_util.Conv2DInfo {
  return backend_util.computePool2DInfo(shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
}

const maxPool: Override = (arena, args, fallback) => {
  const { x } = args.inputs as { x: TensorInfo };
  if (!allFloat(x)) return fallback(args);
  const info = poolInfo(x.shape, args.attrs as unknown as PoolAttrs);
  return inWasm(arena, args, [x], info.outShape, info, ([px], py) => arena.k.maxPool(px!, py));
};

const maxPoolGrad: Override = (arena, args, fallback) => {
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  if (!allFloat(dy, input)) return fallback(args);
  const info = poolInfo(input.shape, args.attrs as unknown as PoolAttrs);
  return inWasm(arena, args, [dy, input], input.shape, info, ([pdy, px], pdx) => arena.k.maxPoolGrad(pdy!, px!, pdx));
};

/** BatchMatMul: one GEMM per batch entry, transposes read through strides. */
const batchMatMul: Override = (arena, args, fallback) => {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  if (!allFloat(a, b) || !util.arraysEqual(outerA, outerB)) return fallback(args);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const M = transposeA ? ac : ar;
  const K = transposeA ? ar : ac;
  const N = transposeB ? br : bc;
  if ((transposeB ? bc : br) !== K) return fallback(args); // the cpu kernel words the shape error
  const batch = util.sizeFromShape(outerA);
  return inWasm(arena, args, [a, b], [...outerA, M, N], null, ([pa, pb], pc) => {
    const pack = arena.alloc(8 * K);
    for (let i = 0; i < batch; i++) {
      arena.k.gemm(pa! + 4 * i * M * K, transposeA ? 1 : K, transposeA ? M : 1, pb! + 4 * i * K * N, transposeB ? 1 : N, transposeB ? K : 1,
        pc + 4 * i * M * N, M, K, N, 0, pack);
    }
  });
};

/** The kernels the SIMD wasm overrides, by tfjs kernel name. */
export const OVERRIDES: Readonly<Record<string, Override>> = {
  Conv2D: conv2D,
  Conv2DBackpropInput: conv2DBackpropInput,
  Conv2DBackpropFilter: conv2DBackpropFilter,
  DepthwiseConv2dNative: depthwiseConv2dNative,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
  MaxPool: maxPool,
  MaxPoolGrad: maxPoolGrad,
  BatchMatMul: batchMatMul,
};

/** `config` for backend `name`, running the wasm override or the elementwise fast path when there is one (each falls back to the cpu kernel). */
export function kernelFor(config: KernelConfig, name: string, arena: TrainArena): KernelConfig {
  const fallback = config.kernelFunc;
  const override = OVERRIDES[config.kernelName];
  if (override !== undefined) return { ...config, backendName: name, kernelFunc: (args) => override(arena, args, fallback) };
  const loop = ELEMENTWISE[config.kernelName];
  if (loop !== undefined) return { ...config, backendName: name, kernelFunc: (args) => loop(args, fallback) };
  return { ...config, backendName: name };
}

