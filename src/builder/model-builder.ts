// ModelBuilder: define an int8 TFLite-style model in code and get exactly the Graph the importer
// would produce for it once written to a .tflite file.
//
// Calibration method (how activation scales are chosen): the builder runs a real-valued "shadow"
// forward pass alongside construction, on a few deterministic synthetic inputs drawn from the seed
// (even samples: random smooth images with per-sample brightness/contrast and noise, see random.ts;
// odd samples: uniform random bytes over the whole input range, like the demo's test inputs). Each
// layer is evaluated in float64 with the *dequantized* int8 weights and int32 biases; its output's
// min/max over all calibration samples (widened to include 0) gives the output scale and zero point,
// exactly as TFLite's post-training quantization computes them from a representative dataset
// (scale = (max - min) / 255, zero point = round(-128 - min / scale)). The shadow values are then
// fake-quantized with that scale and the fused-activation clamp before the next layer sees them, so
// the shadow tracks what the int8 reference interpreter computes up to rounding. Ops whose output
// quantization TFLite fixes (pools, PAD, RESHAPE: same as input; SOFTMAX, LOGISTIC: 1/256, -128)
// keep those values.
import type { AnyOp, DType, Graph, Quantization, Tensor } from '../ir/graph.js';
import type { Clamp, OpAttrs, OpKind, Padding } from '../ir/ops.js';
import { deriveParams } from '../ir/params/index.js';
import { activationClamp, dtypeRange, roundHalfAway, type FusedActivation, INT32_MAX, INT32_MIN } from '../ir/quant.js';
import { convOutSize, elementCount, paddingFor } from '../ir/shapes.js';
import { validateGraph } from '../ir/validate.js';
import { TinyforgeError, UsageError } from '../errors.js';
import * as F from './float.js';
import { mixSeed, syntheticInputBytes, Xorshift32 } from './random.js';

export type Activation = 'none' | 'relu' | 'relu6';
export type PaddingMode = 'same' | 'valid';
/** A number for both spatial dims, or [height, width]. */
export type Pair = number | [number, number];

export interface QuantSpec {
  scale: number;
  zeroPoint: number;
}

/** A tensor produced by the builder; pass it to later layers. */
export interface TensorHandle {
  readonly id: number;
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'int8' | 'float32';
}

export interface ModelBuilderOptions {
  /** Model (subgraph) name. */
  name: string;
  /** Seed of every weight and calibration input. */
  seed: number;
  /** The model's description string; defaults to a line naming the builder, model and seed. */
  description?: string;
  /**
   * Synthetic calibration samples for the activation ranges (default 4). 0: no shadow pass, every computed
   * output quantized over [-UNCALIBRATED_RANGE, UNCALIBRATED_RANGE]: the same shapes, weights and ops at a
   * fraction of the time, for graphs built only for their cost (plan, flash, profile), not their values.
   */
  calibrationSamples?: number;
}

interface LayerOptions {
  /** Layer name: the output tensor's name and the prefix of its constants. Default `<layer>_<n>`. */
  name?: string;
}

interface FusedOptions extends LayerOptions {
  /** Fused activation (default 'none'). */
  activation?: Activation;
}

interface WeightOptions {
  /** Real weights in the TFLite tensor layout, instead of random ones drawn from the seed. */
  weights?: ArrayLike<number>;
  /** Real biases, instead of random ones (normal, std 0.05). */
  bias?: ArrayLike<number>;
  /** Random weights: std = sqrt(gain / fanIn); default 2 (He) before ReLU/ReLU6, 1 without activation. */
  weightGain?: number;
  /**
   * Random weights: subtract each output channel's mean weight, so the output follows the pattern of
   * its input rather than the input's overall level (useful for a classifier head on pooled features).
   */
  zeroMeanWeights?: boolean;
}

interface WeightInit {
  act: Activation;
  given: ArrayLike<number> | undefined;
  gain: number | undefined;
  zeroMean: boolean;
}

export interface Conv2DOptions extends FusedOptions, WeightOptions {
  filters: number;
  kernel: Pair;
  stride?: Pair;
  dilation?: Pair;
  /** Default 'same'. */
  padding?: PaddingMode;
}

export interface DepthwiseConv2DOptions extends FusedOptions, WeightOptions {
  kernel: Pair;
  depthMultiplier?: number;
  stride?: Pair;
  dilation?: Pair;
  /** Default 'same'. */
  padding?: PaddingMode;
}

export interface FullyConnectedOptions extends FusedOptions, WeightOptions {
  units: number;
}

export interface Pool2DOptions extends FusedOptions {
  pool: Pair;
  /** Default: the pool size. */
  stride?: Pair;
  /** Default 'valid'. */
  padding?: PaddingMode;
}

export interface MeanOptions extends LayerOptions {
  /** Default [1, 2] (global pooling of NHWC). */
  axes?: number[];
  /** Default false. */
  keepDims?: boolean;
}

export interface ConcatenationOptions extends LayerOptions {
  axis: number;
}

export interface SoftmaxOptions extends LayerOptions {
  beta?: number;
}

export interface QuantizeOptions extends LayerOptions {
  /** Output quantization; default: calibrated from the input's range. */
  quant?: QuantSpec;
}

/** Operator versions as TFLite's converter records them for int8 models. */
const VERSIONS: Partial<Record<OpKind, number>> = {
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 3,
  FULLY_CONNECTED: 4,
  ADD: 2,
  MUL: 2,
  AVERAGE_POOL_2D: 2,
  MAX_POOL_2D: 2,
  CONCATENATION: 2,
  SOFTMAX: 2,
  LOGISTIC: 2,
  MEAN: 2,
  PAD: 2,
  RESHAPE: 1,
  QUANTIZE: 1,
  DEQUANTIZE: 2,
};

const INT8: Clamp = dtypeRange('int8');
const FUSED: Record<Activation, FusedActivation> = { none: 'NONE', relu: 'RELU', relu6: 'RELU6' };
/** Standard deviation of the random float biases. */
const BIAS_STD = 0.05;

type Vec = Float64Array;

interface Layer {
  label: string; // e.g. conv2d "stem"
  name: string;
}

function applyActivation(v: Vec, act: Activation): void {
  if (act === 'none') return;
  const hi = act === 'relu6' ? 6 : Infinity;
  for (let i = 0; i < v.length; i++) v[i] = Math.min(hi, Math.max(0, v[i]!));
}

/** TFLite's post-training choice of scale and zero point for a real range (0 always representable). */
/** The activation range of a builder with no calibration samples (calibrationSamples: 0). */
export const UNCALIBRATED_RANGE = 8;

export function quantForRange(min: number, max: number): QuantSpec {
  const lo = Math.min(0, min);
  let hi = Math.max(0, max);
  if (!(hi - lo > 1e-6)) hi = lo + 1e-6;
  const scale = Math.fround((hi - lo) / 255);
  const zp = roundHalfAway(-128 - lo / scale);
  // + 0 turns a -0 (rounded from a small negative) into the 0 a file stores.
  return { scale, zeroPoint: Math.max(-128, Math.min(127, zp)) + 0 };
}

/** n uniform random int8 values (as bytes). */
function uniformBytes(n: number, seed: number): ArrayBuffer {
  const rng = new Xorshift32(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.nextU32() >>> 24;
  return out.buffer;
}

function int32Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setInt32(i * 4, v, true));
  return out;
}

export class ModelBuilder {
  readonly name: string;
  readonly seed: number;
  private readonly description: string;
  private readonly samples: number;
  private readonly tensors: Tensor[] = [];
  private readonly ops: AnyOp[] = [];
  private readonly inputs: number[] = [];
  private readonly outputs: number[] = [];
  /** Shadow values per activation tensor id: one float64 vector per calibration sample. */
  private readonly shadow = new Map<number, Vec[]>();
  private readonly handles = new WeakSet<TensorHandle>();
  private readonly layerNames = new Set<string>();
  private readonly counters = new Map<string, number>();
  private built = false;

  constructor(options: ModelBuilderOptions) {
    if (!options || typeof options.name !== 'string') throw new UsageError('ModelBuilder needs a name');
    if (!Number.isInteger(options.seed)) throw new UsageError(`ModelBuilder "${options.name}": seed must be an integer, got ${options.seed}`);
    const samples = options.calibrationSamples ?? 4;
    if (!Number.isInteger(samples) || samples < 0) {
      throw new UsageError(`ModelBuilder "${options.name}": calibrationSamples must be a non-negative integer, got ${samples}`);
    }
    this.name = options.name;
    this.seed = options.seed;
    this.samples = samples;
    this.description = options.description ?? `tinyforge ModelBuilder: ${options.name} (seed ${options.seed})`;
  }

  // ---------------------------------------------------------------- graph edges

  /** An int8 graph input with the given quantization. */
  input(name: string, shape: number[], quant: QuantSpec): TensorHandle {
    const layer = this.layer('input', { name });
    this.checkShape(layer, shape);
    this.checkQuant(layer, quant);
    const q: QuantSpec = { scale: Math.fround(quant.scale), zeroPoint: quant.zeroPoint + 0 };
    const t = this.addTensor(layer.name, shape, 'int8', this.quantization(q), null);
    this.inputs.push(t.id);
    const inputIndex = this.inputs.length - 1;
    this.shadow.set(
      t.id,
      this.range(this.samples).map((s) => {
        const seed = mixSeed(this.seed, 0xca1b, inputIndex, s);
        const bytes = new Int8Array(s % 2 === 1 ? uniformBytes(elementCount(shape), seed) : syntheticInputBytes(t, seed).buffer);
        return Float64Array.from(bytes, (v) => q.scale * (v - q.zeroPoint));
      }),
    );
    return this.handle(t);
  }

  /** A float32 graph input; calibration samples cover the real range [min, max]. Follow it with quantize(). */
  floatInput(name: string, shape: number[], range: [number, number]): TensorHandle {
    const layer = this.layer('floatInput', { name });
    this.checkShape(layer, shape);
    if (!Array.isArray(range) || range.length !== 2 || !(range[0] < range[1])) {
      throw this.fail(layer, `range must be [min, max] with min < max, got ${JSON.stringify(range)}`);
    }
    const t = this.addTensor(layer.name, shape, 'float32', null, null);
    this.inputs.push(t.id);
    const inputIndex = this.inputs.length - 1;
    this.shadow.set(
      t.id,
      this.range(this.samples).map((s) => {
        const seed = mixSeed(this.seed, 0xca1b, inputIndex, s);
        if (s % 2 === 1) return Float64Array.from(new Int8Array(uniformBytes(elementCount(shape), seed)), (v) => range[0] + ((v + 128) / 255) * (range[1] - range[0]));
        return Float64Array.from(new Float32Array(syntheticInputBytes(t, seed, range).buffer));
      }),
    );
    return this.handle(t);
  }

  /** Marks a tensor as a graph output (in call order). */
  output(t: TensorHandle): void {
    const layer: Layer = { label: 'output', name: t?.name ?? '?' };
    this.tensorOf(layer, t);
    if (this.outputs.includes(t.id)) throw this.fail(layer, `tensor "${t.name}" is already an output`);
    this.outputs.push(t.id);
  }

  /** The finished Graph: tensors in creation order, ops in call order, params derived. */
  build(): Graph {
    if (this.outputs.length === 0) throw new UsageError(`ModelBuilder "${this.name}": build() needs at least one output()`);
    if (this.inputs.length === 0) throw new UsageError(`ModelBuilder "${this.name}": build() needs at least one input()`);
    this.built = true;
    const graph: Graph = {
      name: this.name,
      description: this.description,
      tensors: this.tensors.map((t) => ({ ...t, shape: [...t.shape] })),
      ops: [...this.ops],
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      metadata: [],
      signatureDefs: [],
    };
    validateGraph(graph, `ModelBuilder "${this.name}"`);
    return graph;
  }

  /** The calibration inputs, one array of graph-input bytes per sample (ready for runReference). */
  calibrationInputs(): Uint8Array[][] {
    return this.range(this.samples).map((s) =>
      this.inputs.map((id) => {
        const t = this.tensors[id]!;
        const v = this.shadowOf(t)[s]!;
        if (t.dtype === 'float32') return new Uint8Array(Float32Array.from(v).buffer);
        const q = this.quantOf(t);
        return new Uint8Array(Int8Array.from(v, (e) => Math.round(e / q.scale) + q.zeroPoint).buffer);
      }),
    );
  }

  /** The calibration (shadow) values of a tensor, one vector per sample; for inspection and tests. */
  calibrationValues(t: TensorHandle): readonly Float64Array[] {
    return this.shadow.get(this.tensorOf({ label: 'calibrationValues', name: t?.name ?? '?' }, t).id) ?? [];
  }

  // ---------------------------------------------------------------- layers

  conv2d(x: TensorHandle, o: Conv2DOptions): TensorHandle {
    const layer = this.layer('conv2d', o);
    const xt = this.activation(layer, x, 'int8', 4);
    const [N, H, W, I] = xt.shape as [number, number, number, number];
    const filters = this.posInt(layer, 'filters', o.filters);
    const kernel = this.pair(layer, 'kernel', o.kernel);
    const stride = this.pair(layer, 'stride', o.stride ?? 1);
    const dilation = this.pair(layer, 'dilation', o.dilation ?? 1);
    const act = this.act(layer, o.activation);
    const [OH, OW, pad] = this.window(layer, [H, W], kernel, stride, dilation, o.padding ?? 'same');
    const wShape = [filters, kernel[0], kernel[1], I];
    const w = this.weights(layer, wShape, 0, kernel[0] * kernel[1] * I, this.init(layer, act, o));
    const bias = this.bias(layer, filters, xt, w.scales, o.bias);
    const outShape = [N, OH, OW, filters];
    const geometry = { stride, dilation, pad };
    const values = this.shadowOf(xt).map((v) => F.conv2d(v, xt.shape, w.real, wShape, bias.real, geometry, outShape));
    const { tensor, clamp } = this.result(layer, outShape, values, act);
    this.emit(layer, 'CONV_2D', [xt.id, w.tensor.id, bias.tensor.id], tensor, { stride, dilation, pad, clamp });
    return this.handle(tensor);
  }

  depthwiseConv2d(x: TensorHandle, o: DepthwiseConv2DOptions): TensorHandle {
    const layer = this.layer('depthwiseConv2d', o);
    const xt = this.activation(layer, x, 'int8', 4);
    const [N, H, W, C] = xt.shape as [number, number, number, number];
    const multiplier = this.posInt(layer, 'depthMultiplier', o.depthMultiplier ?? 1);
    const kernel = this.pair(layer, 'kernel', o.kernel);
    const stride = this.pair(layer, 'stride', o.stride ?? 1);
    const dilation = this.pair(layer, 'dilation', o.dilation ?? 1);
    const act = this.act(layer, o.activation);
    const [OH, OW, pad] = this.window(layer, [H, W], kernel, stride, dilation, o.padding ?? 'same');
    const OC = C * multiplier;
    const wShape = [1, kernel[0], kernel[1], OC];
    const w = this.weights(layer, wShape, 3, kernel[0] * kernel[1], this.init(layer, act, o));
    const bias = this.bias(layer, OC, xt, w.scales, o.bias);
    const outShape = [N, OH, OW, OC];
    const geometry = { stride, dilation, pad };
    const values = this.shadowOf(xt).map((v) => F.depthwiseConv2d(v, xt.shape, w.real, wShape, bias.real, geometry, multiplier, outShape));
    const { tensor, clamp } = this.result(layer, outShape, values, act);
    this.emit(layer, 'DEPTHWISE_CONV_2D', [xt.id, w.tensor.id, bias.tensor.id], tensor, {
      stride,
      dilation,
      pad,
      clamp,
      depthMultiplier: multiplier,
    });
    return this.handle(tensor);
  }

  /** FULLY_CONNECTED over the last dim (weights [units, inFeatures], per-tensor as TFLite's converter does). */
  fullyConnected(x: TensorHandle, o: FullyConnectedOptions): TensorHandle {
    const layer = this.layer('fullyConnected', o);
    const xt = this.activation(layer, x, 'int8');
    if (xt.shape.length < 1) throw this.fail(layer, 'input must have at least one dim');
    const units = this.posInt(layer, 'units', o.units);
    const act = this.act(layer, o.activation);
    const inFeatures = xt.shape[xt.shape.length - 1]!;
    const batch = elementCount(xt.shape) / inFeatures;
    const wShape = [units, inFeatures];
    const w = this.weights(layer, wShape, null, inFeatures, this.init(layer, act, o));
    const bias = this.bias(layer, units, xt, w.scales, o.bias);
    const outShape = [batch, units];
    const values = this.shadowOf(xt).map((v) => F.fullyConnected(v, inFeatures, w.real, units, bias.real));
    const { tensor, clamp } = this.result(layer, outShape, values, act);
    this.emit(layer, 'FULLY_CONNECTED', [xt.id, w.tensor.id, bias.tensor.id], tensor, { clamp, keepNumDims: false });
    return this.handle(tensor);
  }

  averagePool2d(x: TensorHandle, o: Pool2DOptions): TensorHandle {
    return this.pool('averagePool2d', 'AVERAGE_POOL_2D', x, o);
  }

  maxPool2d(x: TensorHandle, o: Pool2DOptions): TensorHandle {
    return this.pool('maxPool2d', 'MAX_POOL_2D', x, o);
  }

  add(a: TensorHandle, b: TensorHandle, o: FusedOptions = {}): TensorHandle {
    return this.binary('add', 'ADD', a, b, o, (x, y) => x + y);
  }

  mul(a: TensorHandle, b: TensorHandle, o: FusedOptions = {}): TensorHandle {
    return this.binary('mul', 'MUL', a, b, o, (x, y) => x * y);
  }

  /** MEAN over `axes` (default [1, 2]: global average pooling); the axes go in as a constant int32 tensor. */
  mean(x: TensorHandle, o: MeanOptions = {}): TensorHandle {
    const layer = this.layer('mean', o);
    const xt = this.activation(layer, x, 'int8');
    const rank = xt.shape.length;
    const raw = o.axes ?? [1, 2];
    if (!Array.isArray(raw) || raw.length === 0) throw this.fail(layer, 'axes must be a non-empty array');
    const axes = raw.map((a) => {
      if (!Number.isInteger(a) || a < -rank || a >= rank) throw this.fail(layer, `axis ${a} is out of range for rank ${rank}`);
      return a < 0 ? a + rank : a;
    });
    if (new Set(axes).size !== axes.length) throw this.fail(layer, `axes ${JSON.stringify(raw)} repeat an axis`);
    const keepDims = o.keepDims ?? false;
    const axesTensor = this.addTensor(`${layer.name}/axes`, [axes.length], 'int32', null, int32Bytes(axes));
    axes.sort((p, q) => p - q);
    const outShape = keepDims ? xt.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : xt.shape.filter((_, i) => !axes.includes(i));
    const values = this.shadowOf(xt).map((v) => F.mean(v, xt.shape, axes));
    const { tensor } = this.result(layer, outShape, values, 'none');
    this.emit(layer, 'MEAN', [xt.id, axesTensor.id], tensor, { axes, keepDims });
    return this.handle(tensor);
  }

  /** PAD with the zero point (real 0); paddings [before, after] per dim go in as a constant int32 [rank, 2]. */
  pad(x: TensorHandle, paddings: Array<[number, number]>, o: LayerOptions = {}): TensorHandle {
    const layer = this.layer('pad', o);
    const xt = this.activation(layer, x, 'int8');
    if (!Array.isArray(paddings) || paddings.length !== xt.shape.length) {
      throw this.fail(layer, `paddings need one [before, after] pair per input dim (${xt.shape.length}), got ${JSON.stringify(paddings)}`);
    }
    const pads = paddings.map((p, d): [number, number] => {
      if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => Number.isInteger(v) && v >= 0)) {
        throw this.fail(layer, `padding of dim ${d} must be two non-negative integers, got ${JSON.stringify(p)}`);
      }
      return [p[0], p[1]];
    });
    const padTensor = this.addTensor(`${layer.name}/paddings`, [pads.length, 2], 'int32', null, int32Bytes(pads.flat()));
    const outShape = xt.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
    const values = this.shadowOf(xt).map((v) => F.pad(v, xt.shape, pads, outShape));
    const { tensor } = this.result(layer, outShape, values, 'none', this.quantOf(xt));
    this.emit(layer, 'PAD', [xt.id, padTensor.id], tensor, { paddings: pads });
    return this.handle(tensor);
  }

  /** RESHAPE (one dim may be -1); the new shape goes in as a constant int32 tensor. */
  reshape(x: TensorHandle, shape: number[], o: LayerOptions = {}): TensorHandle {
    const layer = this.layer('reshape', o);
    const xt = this.activation(layer, x, 'int8');
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d > 0 || d === -1))) {
      throw this.fail(layer, `shape must be positive integers with at most one -1, got ${JSON.stringify(shape)}`);
    }
    const unknown = shape.filter((d) => d === -1).length;
    if (unknown > 1) throw this.fail(layer, `shape ${JSON.stringify(shape)} has more than one -1`);
    const total = elementCount(xt.shape);
    const known = elementCount(shape.filter((d) => d !== -1));
    if (unknown ? total % known !== 0 : total !== known) {
      throw this.fail(layer, `cannot reshape [${xt.shape.join(',')}] (${total} elements) to ${JSON.stringify(shape)}`);
    }
    const outShape = shape.map((d) => (d === -1 ? total / known : d));
    const shapeTensor = this.addTensor(`${layer.name}/shape`, [outShape.length], 'int32', null, int32Bytes(outShape));
    const values = this.shadowOf(xt).map((v) => v.slice());
    const { tensor } = this.result(layer, outShape, values, 'none', this.quantOf(xt));
    this.emit(layer, 'RESHAPE', [xt.id, shapeTensor.id], tensor, {});
    return this.handle(tensor);
  }

  /**
   * CONCATENATION. TFLite Micro's int8 kernel copies bytes without requantizing, so every input and the
   * output share one quantization: when the inputs disagree, the output covers their union and each
   * input that differs goes through a QUANTIZE (int8 -> int8) first, as TFLite's converter does.
   */
  concatenation(xs: TensorHandle[], o: ConcatenationOptions): TensorHandle {
    const layer = this.layer('concatenation', o);
    if (!Array.isArray(xs) || xs.length === 0) throw this.fail(layer, 'needs at least one input');
    let ts = xs.map((x) => this.activation(layer, x, 'int8'));
    const rank = ts[0]!.shape.length;
    if (!Number.isInteger(o.axis) || o.axis < -rank || o.axis >= rank) throw this.fail(layer, `axis ${o.axis} is out of range for rank ${rank}`);
    const axis = o.axis < 0 ? o.axis + rank : o.axis;
    for (const t of ts) {
      if (t.shape.length !== rank || t.shape.some((d, i) => i !== axis && d !== ts[0]!.shape[i])) {
        throw this.fail(layer, `input shapes [${ts.map((u) => u.shape.join('x')).join('], [')}] differ outside axis ${axis}`);
      }
    }
    if (this.act(layer, (o as FusedOptions).activation) !== 'none') throw this.fail(layer, 'a fused activation is not supported (TFLite Micro rejects it on CONCATENATION)');
    const sameQuant = (a: QuantSpec, b: QuantSpec) => a.scale === b.scale && a.zeroPoint === b.zeroPoint;
    let q = this.quantOf(ts[0]!);
    if (!ts.every((t) => sameQuant(this.quantOf(t), q))) {
      let min = 0;
      let max = 0;
      for (const t of ts) {
        for (const v of this.shadowOf(t)) {
          for (const e of v) {
            min = Math.min(min, e);
            max = Math.max(max, e);
          }
        }
      }
      q = quantForRange(min, max);
      ts = ts.map((t, k) =>
        sameQuant(this.quantOf(t), q) ? t : this.tensors[this.quantize(xs[k]!, { name: `${layer.name}/requantize_${k}`, quant: q }).id]!,
      );
    }
    const outShape = ts[0]!.shape.map((d, i) => (i === axis ? ts.reduce((s, t) => s + t.shape[axis]!, 0) : d));
    const shadows = ts.map((t) => this.shadowOf(t));
    const values = this.range(this.samples).map((s) =>
      F.concatenate(
        shadows.map((v) => v[s]!),
        ts.map((t) => t.shape),
        axis,
        outShape,
      ),
    );
    const { tensor, clamp } = this.result(layer, outShape, values, 'none', q);
    this.emit(layer, 'CONCATENATION', ts.map((t) => t.id), tensor, { axis, clamp });
    return this.handle(tensor);
  }

  /** SOFTMAX over the last dim; output quantization fixed at scale 1/256, zero point -128. */
  softmax(x: TensorHandle, o: SoftmaxOptions = {}): TensorHandle {
    const layer = this.layer('softmax', o);
    const xt = this.activation(layer, x, 'int8');
    const beta = o.beta ?? 1;
    if (!(Number.isFinite(beta) && beta > 0)) throw this.fail(layer, `beta must be a positive number, got ${beta}`);
    const values = this.shadowOf(xt).map((v) => F.softmax(v, xt.shape, beta));
    const { tensor } = this.result(layer, [...xt.shape], values, 'none', { scale: 1 / 256, zeroPoint: -128 });
    this.emit(layer, 'SOFTMAX', [xt.id], tensor, { beta: Math.fround(beta) });
    return this.handle(tensor);
  }

  /** LOGISTIC; output quantization fixed at scale 1/256, zero point -128. */
  logistic(x: TensorHandle, o: LayerOptions = {}): TensorHandle {
    const layer = this.layer('logistic', o);
    const xt = this.activation(layer, x, 'int8');
    const values = this.shadowOf(xt).map((v) => v.map((e) => 1 / (1 + Math.exp(-e))));
    const { tensor } = this.result(layer, [...xt.shape], values, 'none', { scale: 1 / 256, zeroPoint: -128 });
    this.emit(layer, 'LOGISTIC', [xt.id], tensor, {});
    return this.handle(tensor);
  }

  /** QUANTIZE float32 -> int8 (or int8 -> int8 requantization). */
  quantize(x: TensorHandle, o: QuantizeOptions = {}): TensorHandle {
    const layer = this.layer('quantize', o);
    const xt = this.activation(layer, x);
    if (xt.dtype !== 'float32' && xt.dtype !== 'int8') throw this.fail(layer, `input must be float32 or int8, got ${xt.dtype}`);
    if (o.quant) this.checkQuant(layer, o.quant);
    const values = this.shadowOf(xt).map((v) => v.slice());
    const { tensor } = this.result(layer, [...xt.shape], values, 'none', o.quant);
    this.emit(layer, 'QUANTIZE', [xt.id], tensor, {});
    return this.handle(tensor);
  }

  /** DEQUANTIZE int8 -> float32. */
  dequantize(x: TensorHandle, o: LayerOptions = {}): TensorHandle {
    const layer = this.layer('dequantize', o);
    const xt = this.activation(layer, x, 'int8');
    const tensor = this.addTensor(layer.name, [...xt.shape], 'float32', null, null);
    this.shadow.set(tensor.id, this.shadowOf(xt).map((v) => v.slice()));
    this.emit(layer, 'DEQUANTIZE', [xt.id], tensor, {});
    return this.handle(tensor);
  }

  // ---------------------------------------------------------------- shared layer machinery

  private pool(kindName: string, kind: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D', x: TensorHandle, o: Pool2DOptions): TensorHandle {
    const layer = this.layer(kindName, o);
    const xt = this.activation(layer, x, 'int8', 4);
    const [N, H, W, C] = xt.shape as [number, number, number, number];
    const filter = this.pair(layer, 'pool', o.pool);
    const stride = this.pair(layer, 'stride', o.stride ?? filter);
    const act = this.act(layer, o.activation);
    const [OH, OW, pad] = this.window(layer, [H, W], filter, stride, [1, 1], o.padding ?? 'valid');
    const outShape = [N, OH, OW, C];
    const mode = kind === 'MAX_POOL_2D' ? 'max' : 'avg';
    const values = this.shadowOf(xt).map((v) => F.pool2d(v, xt.shape, filter, stride, pad, mode, outShape));
    const { tensor, clamp } = this.result(layer, outShape, values, act, this.quantOf(xt));
    this.emit(layer, kind, [xt.id], tensor, { filter, stride, pad, clamp });
    return this.handle(tensor);
  }

  private binary(kindName: string, kind: 'ADD' | 'MUL', a: TensorHandle, b: TensorHandle, o: FusedOptions, f: (x: number, y: number) => number): TensorHandle {
    const layer = this.layer(kindName, o);
    const at = this.activation(layer, a, 'int8');
    const bt = this.activation(layer, b, 'int8');
    const outShape = F.broadcastShape(at.shape, bt.shape);
    if (!outShape) throw this.fail(layer, `shapes [${at.shape.join(',')}] and [${bt.shape.join(',')}] do not broadcast`);
    const act = this.act(layer, o.activation);
    const sa = this.shadowOf(at);
    const sb = this.shadowOf(bt);
    const values = sa.map((v, s) => F.binary(v, at.shape, sb[s]!, bt.shape, outShape, f));
    const { tensor, clamp } = this.result(layer, outShape, values, act);
    let version: number | undefined;
    if (kind === 'MUL') {
      // TFLite records MUL v3 when the rescale input1 * input2 / output is >= 1.
      const [qa, qb, qo] = [this.quantOf(at), this.quantOf(bt), this.quantOf(tensor)];
      if ((qa.scale * qb.scale) / qo.scale >= 1) version = 3;
    }
    this.emit(layer, kind, [at.id, bt.id], tensor, { clamp }, version);
    return this.handle(tensor);
  }

  /** Conv/pool window geometry: output size and explicit pads (TFLite's SAME/VALID rules). */
  private window(
    layer: Layer,
    input: [number, number],
    filter: [number, number],
    stride: [number, number],
    dilation: [number, number],
    padding: PaddingMode,
  ): [number, number, Padding] {
    if (padding !== 'same' && padding !== 'valid') throw this.fail(layer, `padding must be 'same' or 'valid', got ${JSON.stringify(padding)}`);
    const mode = padding === 'same' ? 'SAME' : 'VALID';
    const dims = ['height', 'width'] as const;
    const out = [0, 1].map((d) => {
      const size = convOutSize(mode, input[d]!, filter[d]!, stride[d]!, dilation[d]!);
      if (size < 1) {
        const eff = (filter[d]! - 1) * dilation[d]! + 1;
        throw this.fail(
          layer,
          `window of ${eff} (filter ${filter[d]}, dilation ${dilation[d]}) does not fit input ${dims[d]} ${input[d]} with VALID padding`,
          { input, filter, dilation },
        );
      }
      return size;
    }) as [number, number];
    const pads =
      mode === 'SAME'
        ? [0, 1].map((d) => paddingFor(input[d]!, filter[d]!, stride[d]!, dilation[d]!, out[d]!))
        : [
            [0, 0],
            [0, 0],
          ];
    return [out[0], out[1], { top: pads[0]![0]!, bottom: pads[0]![1]!, left: pads[1]![0]!, right: pads[1]![1]! }];
  }

  /**
   * Symmetric int8 weights (zero point 0, values in [-127, 127]), per channel along `axis` or per tensor
   * when axis is null. Random weights are He-style normal: std = sqrt(gain / fanIn), gain 2 before a
   * ReLU-like activation and 1 otherwise.
   */
  private weights(layer: Layer, shape: number[], axis: number | null, fanIn: number, init: WeightInit): { tensor: Tensor; scales: number[]; real: Vec } {
    const n = elementCount(shape);
    let w: Vec;
    const id = this.tensors.length;
    const outAxis = axis ?? 0;
    const outChannels = shape[outAxis]!;
    const outInner = elementCount(shape.slice(outAxis + 1));
    const outChannelOf = (i: number) => Math.floor(i / outInner) % outChannels;
    if (init.given !== undefined) {
      const given = init.given;
      if (given.length !== n) throw this.fail(layer, `weights need ${n} values for shape [${shape.join(',')}], got ${given.length}`);
      w = Float64Array.from(given);
      if (!w.every(Number.isFinite)) throw this.fail(layer, 'weights must be finite numbers');
    } else {
      const rng = new Xorshift32(mixSeed(this.seed, 0x3e19, id));
      const std = Math.sqrt((init.gain ?? (init.act === 'none' ? 1 : 2)) / fanIn);
      w = new Float64Array(n);
      for (let i = 0; i < n; i++) w[i] = std * rng.gaussian();
      if (init.zeroMean) {
        const sums = new Float64Array(outChannels);
        for (let i = 0; i < n; i++) sums[outChannelOf(i)] += w[i]!;
        const per = n / outChannels;
        for (let i = 0; i < n; i++) w[i] = w[i]! - sums[outChannelOf(i)]! / per;
      }
    }
    const channels = axis === null ? 1 : outChannels;
    const channelOf = (i: number) => (axis === null ? 0 : outChannelOf(i));
    const maxAbs = new Float64Array(channels);
    for (let i = 0; i < n; i++) maxAbs[channelOf(i)] = Math.max(maxAbs[channelOf(i)]!, Math.abs(w[i]!));
    const scales = Array.from(maxAbs, (m) => Math.fround(m > 0 ? m / 127 : 1 / 127));
    const q = new Int8Array(n);
    const real = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = scales[channelOf(i)]!;
      q[i] = Math.max(-127, Math.min(127, roundHalfAway(w[i]! / s)));
      real[i] = q[i]! * s;
    }
    const quant: Quantization = { scales, zeroPoints: new Array<number>(channels).fill(0), axis: axis ?? 0 };
    const suffix = layer.label.startsWith('fullyConnected') ? 'weights' : 'filter';
    const tensor = this.addTensor(`${layer.name}/${suffix}`, shape, 'int8', quant, new Uint8Array(q.buffer));
    return { tensor, scales, real };
  }

  /** int32 bias: scale = input scale x weight scale (per channel), zero point 0. */
  private bias(layer: Layer, n: number, input: Tensor, wScales: number[], given: ArrayLike<number> | undefined): { tensor: Tensor; real: Vec } {
    let b: Vec;
    if (given !== undefined) {
      if (given.length !== n) throw this.fail(layer, `bias needs ${n} values, got ${given.length}`);
      b = Float64Array.from(given);
      if (!b.every(Number.isFinite)) throw this.fail(layer, 'bias must be finite numbers');
    } else {
      const rng = new Xorshift32(mixSeed(this.seed, 0xb1a5, this.tensors.length));
      b = Float64Array.from({ length: n }, () => BIAS_STD * rng.gaussian());
    }
    const inScale = this.quantOf(input).scale;
    const scales = wScales.map((s) => Math.fround(Math.fround(inScale) * s));
    const q = new Array<number>(n);
    const real = new Float64Array(n);
    for (let c = 0; c < n; c++) {
      const s = scales[wScales.length === 1 ? 0 : c]!;
      q[c] = Math.max(INT32_MIN, Math.min(INT32_MAX, roundHalfAway(b[c]! / s)));
      real[c] = q[c]! * s;
    }
    const quant: Quantization = { scales, zeroPoints: new Array<number>(scales.length).fill(0), axis: 0 };
    const tensor = this.addTensor(`${layer.name}/bias`, [n], 'int32', quant, int32Bytes(q));
    return { tensor, real };
  }

  /**
   * Creates a layer's int8 output tensor: applies the fused activation to the shadow values, picks
   * the quantization (fixed, or from the calibrated range), and fake-quantizes the shadow values.
   */
  private result(layer: Layer, shape: number[], values: Vec[], act: Activation, fixed?: QuantSpec): { tensor: Tensor; clamp: Clamp } {
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
      applyActivation(v, act);
      for (let i = 0; i < v.length; i++) {
        if (v[i]! < min) min = v[i]!;
        if (v[i]! > max) max = v[i]!;
      }
    }
    // No calibration samples (a cost-only graph): a fixed range stands in for the calibrated one.
    if (values.length === 0) [min, max] = [-UNCALIBRATED_RANGE, UNCALIBRATED_RANGE];
    const q = fixed ? { scale: Math.fround(fixed.scale), zeroPoint: fixed.zeroPoint } : quantForRange(min, max);
    const clamp = activationClamp(FUSED[act], q.scale, q.zeroPoint, INT8);
    for (const v of values) {
      for (let i = 0; i < v.length; i++) {
        const qv = Math.max(clamp[0], Math.min(clamp[1], roundHalfAway(v[i]! / q.scale) + q.zeroPoint));
        v[i] = q.scale * (qv - q.zeroPoint);
      }
    }
    const tensor = this.addTensor(layer.name, shape, 'int8', this.quantization(q), null);
    this.shadow.set(tensor.id, values);
    return { tensor, clamp };
  }

  private emit<K extends OpKind>(layer: Layer, kind: K, inputs: number[], output: Tensor, attrs: OpAttrs[K], version?: number): void {
    const op = { kind, version: version ?? VERSIONS[kind] ?? 1, inputs, outputs: [output.id], attrs };
    let params;
    try {
      params = deriveParams<K>({ op, index: this.ops.length, tensors: this.tensors });
    } catch (e) {
      if (e instanceof TinyforgeError) {
        throw new UsageError(`${layer.label}: ${e.message}`, { layer: layer.name, op: kind, cause: e.code, ...e.details });
      }
      throw e;
    }
    this.ops.push({ ...op, params } as unknown as AnyOp);
  }

  // ---------------------------------------------------------------- bookkeeping and validation

  private layer(kind: string, o: LayerOptions | undefined): Layer {
    if (this.built) throw new UsageError(`ModelBuilder "${this.name}": ${kind} after build()`);
    if (o !== undefined && (typeof o !== 'object' || o === null)) throw new UsageError(`${kind}: options must be an object`);
    let name = o?.name;
    if (name === undefined) {
      let n = this.counters.get(kind) ?? 0;
      do name = `${kind}_${n++}`;
      while (this.layerNames.has(name));
      this.counters.set(kind, n);
    } else if (typeof name !== 'string' || name === '') {
      throw new UsageError(`${kind}: name must be a non-empty string`);
    } else if (this.layerNames.has(name)) {
      throw new UsageError(`${kind} "${name}": a layer of that name already exists`);
    }
    this.layerNames.add(name);
    return { label: `${kind} "${name}"`, name };
  }

  private fail(layer: Layer, message: string, details: Record<string, unknown> = {}): UsageError {
    return new UsageError(`${layer.label}: ${message}`, { layer: layer.name, ...details });
  }

  private range(n: number): number[] {
    return Array.from({ length: n }, (_, i) => i);
  }

  private addTensor(name: string, shape: number[], dtype: DType, quant: Quantization | null, data: Uint8Array | null): Tensor {
    const t: Tensor = { id: this.tensors.length, name, shape, shapeSignature: null, dtype, quant, data, isVariable: false };
    this.tensors.push(t);
    return t;
  }

  private quantization(q: QuantSpec): Quantization {
    return { scales: [Math.fround(q.scale)], zeroPoints: [q.zeroPoint + 0], axis: 0 };
  }

  private quantOf(t: Tensor): QuantSpec {
    return { scale: t.quant?.scales[0] ?? 1, zeroPoint: t.quant?.zeroPoints[0] ?? 0 };
  }

  private handle(t: Tensor): TensorHandle {
    const h: TensorHandle = Object.freeze({ id: t.id, name: t.name, shape: Object.freeze([...t.shape]), dtype: t.dtype as 'int8' | 'float32' });
    this.handles.add(h);
    return h;
  }

  private tensorOf(layer: Layer, h: TensorHandle): Tensor {
    if (!h || typeof h !== 'object' || !this.handles.has(h)) throw this.fail(layer, 'input is not a tensor made by this builder');
    return this.tensors[h.id]!;
  }

  /** An activation input of the layer, optionally checked for dtype and rank. */
  private activation(layer: Layer, h: TensorHandle, dtype?: 'int8' | 'float32', rank?: number): Tensor {
    const t = this.tensorOf(layer, h);
    if (dtype && t.dtype !== dtype) throw this.fail(layer, `input "${t.name}" is ${t.dtype}, expected ${dtype}`);
    if (rank !== undefined && t.shape.length !== rank) {
      throw this.fail(layer, `input "${t.name}" has shape [${t.shape.join(',')}], expected rank ${rank} (NHWC)`);
    }
    return t;
  }

  private shadowOf(t: Tensor): Vec[] {
    const v = this.shadow.get(t.id);
    if (!v) throw new Error(`internal: no calibration values for tensor ${t.id}`);
    return v;
  }

  private checkShape(layer: Layer, shape: number[]): void {
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw this.fail(layer, `shape must be a non-empty array of positive integers, got ${JSON.stringify(shape)}`);
    }
  }

  private checkQuant(layer: Layer, q: QuantSpec): void {
    if (!q || !(Number.isFinite(q.scale) && q.scale > 0)) throw this.fail(layer, `scale must be a positive number, got ${q?.scale}`);
    if (!Number.isInteger(q.zeroPoint) || q.zeroPoint < -128 || q.zeroPoint > 127) {
      throw this.fail(layer, `zeroPoint must be an integer in [-128, 127], got ${q.zeroPoint}`);
    }
  }

  private posInt(layer: Layer, what: string, v: unknown): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw this.fail(layer, `${what} must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  }

  private pair(layer: Layer, what: string, v: Pair): [number, number] {
    if (Array.isArray(v)) {
      if (v.length !== 2) throw this.fail(layer, `${what} must be a number or [height, width], got ${JSON.stringify(v)}`);
      return [this.posInt(layer, `${what} height`, v[0]), this.posInt(layer, `${what} width`, v[1])];
    }
    const n = this.posInt(layer, what, v);
    return [n, n];
  }

  private init(layer: Layer, act: Activation, o: WeightOptions): WeightInit {
    const gain = o.weightGain;
    if (gain !== undefined && !(Number.isFinite(gain) && gain > 0)) throw this.fail(layer, `weightGain must be a positive number, got ${gain}`);
    return { act, given: o.weights, gain, zeroMean: o.zeroMeanWeights ?? false };
  }

  private act(layer: Layer, a: Activation | undefined): Activation {
    const act = a ?? 'none';
    if (!(act in FUSED)) throw this.fail(layer, `activation must be 'none', 'relu' or 'relu6', got ${JSON.stringify(a)}`);
    return act;
  }
}
