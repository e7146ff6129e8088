// Device models for the profiler: what one kernel call costs on a Cortex-M core.
//
// Every core runs the same Thumb-2 code from the C backend (firmware-templates/kernels), so a call's
// cost starts as an INSTRUCTION count, linear in a few features of the call, per kernel kind:
//
//     instructions = call + mac * macs + tailMac * tailMacs + output * outputs + input * inputs
//                  + column * columnElements + pixel * pixels + row * windowRows + border * borderOutputs
//
// (macs outside whole groups of 4 along the SIMD axis are `tailMacs`: the SMLAD paths take 4 int8 values
// at a time, the rest runs scalar; `borderOutputs` are the outputs whose window the padding clips: the
// kernels take a slower path there; `windowRows` = outputs x filter rows, one dot-product call each;
// `pixels` = output positions of a windowed op, each with its window set-up; `columnElements` = the
// input values a conv or FC gathers (and widens to int16) per output position). The coefficients are the
// Cortex-M4's, fitted by `npm run bench:calibrate` against instruction counts measured on QEMU
// (calibration/cortex-m4.json; KIND_FEATURES says which features each kind has);
// Thumb-2 with the DSP extension is the same code on M33, M7 and M55, so the other cores reuse them.
// Cycles come from a CPI per kernel kind, and the roofline caps them from below by the bytes moved:
//
//     cycles = CPI * (every term but the two MAC terms)                 per-call and per-element work
//            + max(CPI * (mac * macs + tailMac * tailMacs),             the MAC loop ...
//                  weightBytes / flashBytesPerCycle + activationBytes / sramBytesPerCycle)   ... or the data
//
// An op is memory-bound when the data term wins: its arithmetic intensity (MACs per byte moved) lies
// left of the ridge point of its kernel kind (attainable MACs/cycle over bytes/cycle). Ops without MACs
// (element-wise, pooling, copies) sit at intensity 0, memory-bound by the roofline; their time is their
// per-element work. The CPIs, clocks and bandwidths are stated estimates (QEMU counts instructions, not
// cycles); only the instruction model is measured.
import m4Calibration from './calibration/cortex-m4.json' with { type: 'json' };
import { OP_TABLE, type OpCostKind } from '../ir/op-table.js';
import { KERNELS } from '../schedule/abi/kernels.js';

/** Kernel kinds: groups of the kernel ABI's symbols (src/schedule/abi/kernels.ts) that cost alike. */
export const KERNEL_KINDS = [
  'conv2d',
  'conv2d_1x1',
  'dwconv2d',
  'dwconv2d_3x3',
  'dwconv2d_inplace',
  'fully_connected',
  'pool',
  'elementwise',
  'clamp',
  'nonlinear',
  'softmax',
  'mean',
  'quantize',
  'copy',
  // Kernels no shared model calls, fitted on bench/calibrate-ops.ts's single-op points (npm run bench:calibrate -- --ops).
  'svdf',
  'batch_matmul',
  'mac16',
  'dwconv2d_s16',
  'pool_s16',
  'nonlinear_s16',
  'softmax_s16',
  'rsqrt',
  'broadcast_binary',
  'move',
  'lstm',
  'plain_elementwise',
  'log_softmax',
  'resize_bilinear',
  'fully_connected_lut',
] as const;
export type KernelKind = (typeof KERNEL_KINDS)[number];
// Every op's base cost kind is priced: this fails to compile when the op table names a kind not listed above.
const _opCostKindsArePriced: readonly KernelKind[] = [] as OpCostKind[];
void _opCostKindsArePriced;

/** Kernels whose loop differs from their op's base kind (fast paths, the in-place depthwise plane loop). */
const SYMBOL_KINDS: Readonly<Record<string, KernelKind>> = {
  conv2d_s8_1x1: 'conv2d_1x1',
  conv2d_s8_pw: 'conv2d_1x1',
  conv2d_s8_pw_rec: 'conv2d_1x1',
  dwconv2d_s8_3x3: 'dwconv2d_3x3',
  dwconv2d_s8_inplace_channel: 'dwconv2d_inplace',
  dwconv2d_lut_s8_inplace_channel: 'dwconv2d_inplace',
  dwconv2d_s8_inplace_channel_ring: 'dwconv2d_inplace',
  dwconv2d_s8_kxk_inplace_channel: 'dwconv2d_inplace',
  // the ring's 4-channel pair loop, rows streamed out
  dwconv2d_s8_stream_row_ring: 'dwconv2d_inplace',
  svdf_s8: 'svdf',
  svdf_s16: 'svdf',
  batch_matmul_s8: 'batch_matmul',
  // The scalar int64-accumulator MAC loops of the 16x8 path.
  fully_connected_s16: 'mac16',
  batch_matmul_s16: 'mac16',
  dwconv2d_s16: 'dwconv2d_s16',
  avgpool2d_s16: 'pool_s16',
  maxpool2d_s16: 'pool_s16',
  logistic_s16: 'nonlinear_s16',
  tanh_s16: 'nonlinear_s16',
  softmax_s16: 'softmax_s16',
  rsqrt_s8: 'rsqrt',
  // The element-wise kernels on the 6-D broadcast walk with per-element requantization (ADD's table path aside).
  squared_difference_s8: 'broadcast_binary',
  squared_difference_s16: 'broadcast_binary',
  prelu_s8: 'broadcast_binary',
  prelu_s16: 'broadcast_binary',
  // Element moves with a cheaper call set-up than strided_copy's 6-D walk (the shared models' 'copy').
  gather: 'move',
  split: 'move',
  concatenation: 'move',
  pad: 'move',
  cast: 'move',
  lstm_s8: 'lstm',
  lstm_s16: 'lstm',
  mul_s16: 'broadcast_binary',
  // Per-element loops without requantization (a table lookup, a compare, a wrapping int32 op): far cheaper than 'elementwise'/'clamp'.
  lut_s8: 'plain_elementwise',
  abs_s16_unquantized: 'plain_elementwise',
  maximum_s16: 'plain_elementwise',
  minimum_s16: 'plain_elementwise',
  squared_difference_s32: 'plain_elementwise',
  // Two passes per row (max, then the sum of exponentials) and a log per row: not softmax's loop.
  log_softmax_s8: 'log_softmax',
  // Four taps and two interpolation weights per output, not one requantized element.
  resize_bilinear_s8: 'resize_bilinear',
  // The FC loop with a table decode per weight (no SMLAD on packed weights).
  fully_connected_lut_s8: 'fully_connected_lut',
};

/**
 * The kernel kind of a kernel symbol: its op's base kind (OP_TABLE) unless SYMBOL_KINDS refines it.
 * Streaming variants (_stream_row, _stream_pixel) cost as their base kernel plus a copy per output.
 */
export function kindOfSymbol(symbol: string): KernelKind {
  const refined = SYMBOL_KINDS[symbol];
  if (refined) return refined;
  const spec = KERNELS[symbol];
  if (!spec) throw new Error(`kernel symbol ${symbol} is not in the kernel ABI`);
  const op = spec.ops[0]!;
  return op === 'copy-window' ? 'copy' : OP_TABLE[op].cost;
}

/** The instruction model's features, by coefficient name. */
export const FEATURES = ['call', 'mac', 'tailMac', 'output', 'input', 'column', 'pixel', 'row', 'border'] as const;
export type Feature = (typeof FEATURES)[number];

/**
 * The features each kind's kernels have (the rest are 0 for it): what calibration fits. Depthwise and
 * pooling loops run per tap, so their rows are MACs again; element-wise kernels are per element.
 */
export const KIND_FEATURES: Record<KernelKind, readonly Feature[]> = {
  conv2d: ['call', 'mac', 'tailMac', 'output', 'column', 'pixel', 'row', 'border'],
  conv2d_1x1: ['call', 'mac', 'tailMac', 'output', 'column', 'pixel'],
  dwconv2d: ['call', 'mac', 'tailMac', 'output', 'pixel', 'border'],
  dwconv2d_3x3: ['call', 'mac', 'tailMac', 'output', 'pixel', 'border'],
  dwconv2d_inplace: ['call', 'mac', 'output', 'pixel', 'border'],
  fully_connected: ['call', 'mac', 'tailMac', 'output', 'column'],
  pool: ['call', 'output', 'input', 'pixel', 'border'],
  elementwise: ['call', 'output'],
  clamp: ['call', 'output'],
  nonlinear: ['call', 'output'],
  softmax: ['call', 'output'],
  mean: ['call', 'output', 'input'],
  quantize: ['call', 'output'],
  copy: ['call', 'output'],
  svdf: ['call', 'mac', 'output'],
  batch_matmul: ['call', 'mac', 'output'],
  mac16: ['call', 'mac', 'output'],
  dwconv2d_s16: ['call', 'mac', 'output', 'pixel'],
  pool_s16: ['call', 'output', 'input', 'pixel'],
  nonlinear_s16: ['call', 'output'],
  softmax_s16: ['call', 'output'],
  rsqrt: ['call', 'output'],
  broadcast_binary: ['call', 'output'],
  move: ['call', 'output'],
  lstm: ['call', 'mac', 'output'],
  plain_elementwise: ['call', 'output'],
  log_softmax: ['call', 'output'],
  resize_bilinear: ['call', 'output'],
  fully_connected_lut: ['call', 'mac', 'output'],
};

/** The value of one feature for a call. */
export function featureValue(f: CallFeatures, k: Feature): number {
  switch (k) {
    case 'call':
      return 1;
    case 'mac':
      return f.macs - (f.constantMacs ?? 0);
    case 'tailMac':
      return f.tailMacs;
    case 'output':
      return f.outputs;
    case 'input':
      return f.inputs;
    case 'column':
      return f.columnElements;
    case 'pixel':
      return f.pixels;
    case 'row':
      return f.windowRows;
    case 'border':
      return f.borderOutputs;
  }
}

/** What a kernel call does, in the units the instruction model counts. */
export interface CallFeatures {
  macs: number;
  /** MACs outside whole groups of 4 along the kernel's SIMD axis (scalar tail). */
  tailMacs: number;
  /** MACs of output channels the kernel proves constant and stores without a dot product (not in the `mac` feature). */
  constantMacs?: number;
  /** Output elements written. */
  outputs: number;
  /** Output elements whose window (conv, depthwise, pool) is clipped by the padding. */
  borderOutputs: number;
  /** Output elements x filter rows of a conv or depthwise (one inner dot-product call per row). */
  windowRows: number;
  /** Output positions (elements / channels) of a windowed op: conv, depthwise, pool. */
  pixels: number;
  /** Input values gathered per output position (conv: pixels x window; FC: rows x depth) = MACs / output channels. */
  columnElements: number;
  /** Activation input elements read (constants excluded). */
  inputs: number;
  /** Bytes of constants read (weights, biases: from flash) and of activations read and written (SRAM). */
  weightBytes: number;
  activationBytes: number;
}

/** Instructions per unit of each feature, for one kernel kind. */
export type KindCoefficients = Record<Feature, number>;

export interface Calibration {
  /** 'qemu-m4 fit' when fitted by bench/calibrate.ts; 'first guess' when read off the kernel sources. */
  source: string;
  /** How the constants were obtained, one line. */
  method: string;
  /** ISO date of the fit (null for first guesses). */
  date: string | null;
  coefficients: Record<KernelKind, KindCoefficients>;
  /** Per model: measured and estimated instructions per inference, error (estimate / measured - 1). */
  models: Array<{ model: string; measured: number; estimated: number; error: number }>;
}

export const CORES = ['cortex-m4', 'cortex-m7', 'cortex-m33', 'cortex-m55'] as const;
export type CoreId = (typeof CORES)[number];

export interface DeviceModel {
  id: CoreId;
  name: string;
  /** Default clock and the part it is taken from. */
  defaultMhz: number;
  clockNote: string;
  /** Peak int8 MACs per cycle of the core (its widest MAC instruction). */
  peakMacsPerCycle: number;
  peakNote: string;
  /** Sustainable bytes per cycle: activations from SRAM, weights from flash. */
  sramBytesPerCycle: number;
  flashBytesPerCycle: number;
  memoryNote: string;
  /** Cycles per instruction of each kernel kind. */
  cpi: Record<KernelKind, number>;
  cpiNote: string;
  /** The instruction model (shared by every core; see the header of this file). */
  calibration: Calibration;
}

/**
 * Cortex-M4 CPI per kernel kind (first guesses, stated): the MAC loops are LDR + SXTB16/SADD16/SMLAD
 * streams with weights from flash at 5 wait states (STM32L4R5 at 120 MHz); 1.5 matches the ratio of
 * MLPerf Tiny's measured cycles (microTVM + CMSIS-NN on the STM32L4R5) to TFLM + CMSIS-NN's instruction
 * counts on QEMU for the same models (VWW 1.50, KWS 1.56, IC 1.57; see ../shared/peers.md and
 * golden/tflm_cortex_m4_qemu.md). Element-wise and copy loops are load/store heavy (LDR/STR 2 cycles).
 */
const M4_CPI: Record<KernelKind, number> = {
  conv2d: 1.5,
  conv2d_1x1: 1.5,
  dwconv2d: 1.5,
  dwconv2d_3x3: 1.5,
  dwconv2d_inplace: 1.5,
  fully_connected: 1.5,
  pool: 1.4,
  elementwise: 1.3,
  clamp: 1.4,
  nonlinear: 1.3,
  softmax: 1.3,
  mean: 1.4,
  quantize: 1.3,
  copy: 1.6,
  svdf: 1.5,
  batch_matmul: 1.5,
  mac16: 1.5,
  dwconv2d_s16: 1.5,
  pool_s16: 1.4,
  nonlinear_s16: 1.3,
  softmax_s16: 1.3,
  rsqrt: 1.3,
  broadcast_binary: 1.3,
  move: 1.6,
  lstm: 1.5,
  plain_elementwise: 1.3,
  log_softmax: 1.3,
  resize_bilinear: 1.4,
  fully_connected_lut: 1.5,
};

const scaled = (cpi: Record<KernelKind, number>, f: number) =>
  Object.fromEntries(Object.entries(cpi).map(([k, v]) => [k, Math.round(v * f * 1000) / 1000])) as Record<KernelKind, number>;

const m4Cal = m4Calibration as Calibration;

export const DEVICES: Record<CoreId, DeviceModel> = {
  'cortex-m4': {
    id: 'cortex-m4',
    name: 'Cortex-M4F (DSP)',
    defaultMhz: 120,
    clockNote: 'STM32L4R5 at 120 MHz, the MLPerf Tiny reference board',
    peakMacsPerCycle: 2,
    peakNote: 'SMLAD: two 16x16 MACs per cycle on SXTB16-widened int8',
    sramBytesPerCycle: 4,
    flashBytesPerCycle: 1.33,
    memoryNote: 'SRAM: one 32-bit word per cycle; flash: a 64-bit line per 6 cycles (5 wait states at 120 MHz)',
    cpi: M4_CPI,
    cpiNote: 'estimated (QEMU counts instructions, not cycles); 1.5 for MAC kernels matches MLPerf Tiny STM32L4R5 cycles / QEMU instructions of TFLM + CMSIS-NN',
    calibration: m4Cal,
  },
  'cortex-m7': {
    id: 'cortex-m7',
    name: 'Cortex-M7 (DSP, dual-issue)',
    defaultMhz: 480,
    clockNote: 'STM32H743 at 480 MHz (TinyEngine\'s board); the MLPerf Tiny STM32H7A3 runs at 280 MHz (--mhz 280)',
    peakMacsPerCycle: 2,
    peakNote: 'one SMLAD per cycle; dual issue overlaps the loads and SXTB16 unpacking with it',
    sramBytesPerCycle: 8,
    flashBytesPerCycle: 2,
    memoryNote: 'DTCM/AXI SRAM 64-bit per cycle; flash 256-bit lines at 7 wait states, weights partly served by the D-cache',
    cpi: scaled(M4_CPI, 1 / 1.45),
    cpiNote: 'Cortex-M4 CPI / 1.45: Plumerai\'s MLPerf Tiny cycles on STM32L4R5 vs STM32H7A3 (VWW 1.58x, KWS 1.47x, IC 1.41x, AD 1.29x)',
    calibration: m4Cal,
  },
  'cortex-m33': {
    id: 'cortex-m33',
    name: 'Cortex-M33 (DSP)',
    defaultMhz: 160,
    clockNote: 'STM32U585 at 160 MHz',
    peakMacsPerCycle: 2,
    peakNote: 'SMLAD (Armv8-M DSP extension), as the M4',
    sramBytesPerCycle: 4,
    flashBytesPerCycle: 2,
    memoryNote: 'SRAM 32-bit per cycle; flash 128-bit lines at 4 wait states',
    cpi: scaled(M4_CPI, 0.95),
    cpiNote: 'Cortex-M4 CPI x 0.95 (same 3-stage class of pipeline; CoreMark/MHz 4.02 vs 3.42 mostly from the compiler)',
    calibration: m4Cal,
  },
  'cortex-m55': {
    id: 'cortex-m55',
    name: 'Cortex-M55 (Helium)',
    defaultMhz: 400,
    clockNote: 'Alif Ensemble E3 high-performance core at 400 MHz',
    peakMacsPerCycle: 8,
    peakNote: 'Helium VMLADAV.S8: 16 int8 MACs per instruction, two beats per cycle; tinyforge\'s C kernels use the scalar DSP path (at most 2/cycle) today',
    sramBytesPerCycle: 8,
    flashBytesPerCycle: 2,
    memoryNote: 'DTCM 4 x 32-bit banks (64-bit per cycle); MRAM/flash over AXI',
    cpi: scaled(M4_CPI, 0.9),
    cpiNote: 'Cortex-M4 CPI x 0.9 for the DSP-path code (4-stage pipeline, dual-issue of some 16-bit pairs)',
    calibration: m4Cal,
  },
};

export function deviceModel(id: string): DeviceModel | undefined {
  return (DEVICES as Record<string, DeviceModel>)[id];
}

/** Instructions of one call under a calibration. */
export function callInstructions(coefficients: KindCoefficients, f: CallFeatures): { total: number; mac: number; rest: number } {
  const mac = coefficients.mac * featureValue(f, 'mac') + coefficients.tailMac * f.tailMacs;
  let rest = 0;
  for (const k of FEATURES) if (k !== 'mac' && k !== 'tailMac') rest += (coefficients[k] ?? 0) * featureValue(f, k);
  return { total: mac + rest, mac, rest };
}

export interface CallCost {
  instructions: number;
  /** Cycles of the MAC loop, of the per-call and per-element work, and of moving the bytes. */
  macCycles: number;
  workCycles: number;
  memoryCycles: number;
  cycles: number;
}

/** The cost of one call of kernel kind `kind` on `device` (see the header of this file). */
export function callCost(device: DeviceModel, kind: KernelKind, f: CallFeatures): CallCost {
  const ins = callInstructions(device.calibration.coefficients[kind], f);
  const cpi = device.cpi[kind];
  const macCycles = ins.mac * cpi;
  const workCycles = ins.rest * cpi;
  const memoryCycles = f.weightBytes / device.flashBytesPerCycle + f.activationBytes / device.sramBytesPerCycle;
  return { instructions: ins.total, macCycles, workCycles, memoryCycles, cycles: workCycles + Math.max(macCycles, memoryCycles) };
}

/** MACs per cycle the MAC loop of a kind reaches on a device (its compute roof), and its share of the peak. */
export function kindMacRate(device: DeviceModel, kind: KernelKind): { macsPerCycle: number; efficiency: number } {
  const c = device.calibration.coefficients[kind];
  const macsPerCycle = c.mac > 0 ? 1 / (c.mac * device.cpi[kind]) : 0;
  return { macsPerCycle, efficiency: macsPerCycle / device.peakMacsPerCycle };
}
