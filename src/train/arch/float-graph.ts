// A small builder of float32 IR graphs for the named training architectures: layers in NHWC with batch 1,
// TFLite layouts and attrs (explicit pads, real-valued clamps, params null), weights He-uniform from a
// seeded Xorshift32 and zero biases, so a seed gives the same graph everywhere.
import { Xorshift32 } from '../../builder/random.js';
import { floatActivationClamp } from '../../ir/float.js';
import type { AnyOp, Graph, Tensor } from '../../ir/graph.js';
import type { Padding } from '../../ir/ops.js';
import { convOutSize, elementCount, paddingFor } from '../../ir/shapes.js';
import { validateGraph } from '../../ir/validate.js';

export type Activation = 'NONE' | 'RELU' | 'RELU6';
export type PaddingMode = 'SAME' | 'VALID';

/** A float graph plus the conv ops that train with a batch norm (folded at export). */
export interface FloatArch {
  graph: Graph;
  batchNorm: number[];
}

export class FloatGraphBuilder {
  private readonly tensors: Tensor[] = [];
  private readonly ops: AnyOp[] = [];
  private readonly bn: number[] = [];
  private readonly rng: Xorshift32;
  private input = -1;

  constructor(seed: number) {
    this.rng = new Xorshift32(seed);
  }

  private tensor(name: string, shape: number[], data: Uint8Array | null, dtype: 'float32' | 'int32' = 'float32'): number {
    const id = this.tensors.length;
    this.tensors.push({ id, name, shape, shapeSignature: null, dtype, quant: null, data, isVariable: false });
    return id;
  }

  private shape(id: number): number[] {
    return this.tensors[id]!.shape;
  }

  /** A built tensor's shape (NHWC, batch 1). */
  shapeOf(id: number): readonly number[] {
    return this.shape(id);
  }

  /** He-uniform: bound sqrt(6 / fanIn). */
  private weights(name: string, shape: number[], fanIn: number): number {
    const bound = Math.sqrt(6 / fanIn);
    const values = new Float32Array(elementCount(shape));
    for (let i = 0; i < values.length; i++) values[i] = this.rng.range(-bound, bound);
    return this.tensor(name, shape, new Uint8Array(values.buffer));
  }

  private zeros(name: string, n: number): number {
    return this.tensor(name, [n], new Uint8Array(4 * n));
  }

  private ints(name: string, values: number[]): number {
    return this.tensor(name, [values.length], new Uint8Array(Int32Array.from(values).buffer), 'int32');
  }

  private op(op: Omit<AnyOp, 'version' | 'params'>): number {
    this.ops.push({ version: 1, params: null, ...op } as AnyOp);
    return this.ops.length - 1;
  }

  private pads(inH: number, inW: number, k: [number, number], stride: [number, number], mode: PaddingMode): { out: [number, number]; pad: Padding } {
    const outH = convOutSize(mode, inH, k[0], stride[0]);
    const outW = convOutSize(mode, inW, k[1], stride[1]);
    const [top, bottom] = mode === 'SAME' ? paddingFor(inH, k[0], stride[0], 1, outH) : [0, 0];
    const [left, right] = mode === 'SAME' ? paddingFor(inW, k[1], stride[1], 1, outW) : [0, 0];
    return { out: [outH, outW], pad: { top, bottom, left, right } };
  }

  /** The graph input [1, H, W, C]. */
  image(h: number, w: number, c: number): number {
    this.input = this.tensor('input', [1, h, w, c], null);
    return this.input;
  }

  conv(name: string, x: number, filters: number, k: number, stride: number, activation: Activation, options: { padding?: PaddingMode; batchNorm?: boolean } = {}): number {
    const [, h, w, c] = this.shape(x) as [number, number, number, number];
    const { out, pad } = this.pads(h, w, [k, k], [stride, stride], options.padding ?? 'SAME');
    const weight = this.weights(`${name}/weights`, [filters, k, k, c], k * k * c);
    const bias = this.zeros(`${name}/bias`, filters);
    const y = this.tensor(name, [1, out[0], out[1], filters], null);
    const index = this.op({ kind: 'CONV_2D', inputs: [x, weight, bias], outputs: [y], attrs: { stride: [stride, stride], dilation: [1, 1], pad, clamp: floatActivationClamp(activation) } });
    if (options.batchNorm) this.bn.push(index);
    return y;
  }

  depthwise(name: string, x: number, k: number, stride: number, activation: Activation, options: { batchNorm?: boolean } = {}): number {
    const [, h, w, c] = this.shape(x) as [number, number, number, number];
    const { out, pad } = this.pads(h, w, [k, k], [stride, stride], 'SAME');
    const weight = this.weights(`${name}/weights`, [1, k, k, c], k * k);
    const bias = this.zeros(`${name}/bias`, c);
    const y = this.tensor(name, [1, out[0], out[1], c], null);
    const index = this.op({
      kind: 'DEPTHWISE_CONV_2D', inputs: [x, weight, bias], outputs: [y],
      attrs: { stride: [stride, stride], dilation: [1, 1], pad, clamp: floatActivationClamp(activation), depthMultiplier: 1 },
    });
    if (options.batchNorm) this.bn.push(index);
    return y;
  }

  maxPool(name: string, x: number, k: number, stride = k): number {
    const [, h, w, c] = this.shape(x) as [number, number, number, number];
    const { out, pad } = this.pads(h, w, [k, k], [stride, stride], 'VALID');
    const y = this.tensor(name, [1, out[0], out[1], c], null);
    this.op({ kind: 'MAX_POOL_2D', inputs: [x], outputs: [y], attrs: { filter: [k, k], stride: [stride, stride], pad, clamp: floatActivationClamp('NONE') } });
    return y;
  }

  /** MEAN over H and W: [1, H, W, C] -> [1, C]. */
  globalAveragePool(name: string, x: number): number {
    const c = this.shape(x)[3]!;
    const y = this.tensor(name, [1, c], null);
    this.op({ kind: 'MEAN', inputs: [x, this.ints(`${name}/axes`, [1, 2])], outputs: [y], attrs: { axes: [1, 2], keepDims: false } });
    return y;
  }

  flatten(name: string, x: number): number {
    const shape = [1, elementCount(this.shape(x))];
    const y = this.tensor(name, shape, null);
    this.op({ kind: 'RESHAPE', inputs: [x, this.ints(`${name}/shape`, shape)], outputs: [y], attrs: {} });
    return y;
  }

  dense(name: string, x: number, units: number, activation: Activation): number {
    const inputs = this.shape(x)[1]!;
    const weight = this.weights(`${name}/weights`, [units, inputs], inputs);
    const bias = this.zeros(`${name}/bias`, units);
    const y = this.tensor(name, [1, units], null);
    this.op({ kind: 'FULLY_CONNECTED', inputs: [x, weight, bias], outputs: [y], attrs: { clamp: floatActivationClamp(activation), keepNumDims: false } });
    return y;
  }

  add(name: string, a: number, b: number): number {
    const y = this.tensor(name, this.shape(a).slice(), null);
    this.op({ kind: 'ADD', inputs: [a, b], outputs: [y], attrs: { clamp: floatActivationClamp('NONE') } });
    return y;
  }

  softmax(name: string, x: number): number {
    const y = this.tensor(name, this.shape(x).slice(), null);
    this.op({ kind: 'SOFTMAX', inputs: [x], outputs: [y], attrs: { beta: 1 } });
    return y;
  }

  /** The graph with `output` as its output (validated like an imported one). */
  finish(name: string, output: number): FloatArch {
    const graph: Graph = { name, description: `tinyforge train: ${name}`, tensors: this.tensors, ops: this.ops, inputs: [this.input], outputs: [output], metadata: [], signatureDefs: [] };
    validateGraph(graph, name);
    return { graph, batchNorm: this.bn.slice() };
  }
}
