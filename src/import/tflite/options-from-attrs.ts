// Rebuilds TFLite builtin options from normalized attrs: SAME/VALID from explicit pads, the fused
// activation from the clamp. Attrs TFLite cannot express are refused rather than written wrong.
import { UnsupportedError } from '../../errors.js';
import type { AnyOp, Tensor } from '../../ir/graph.js';
import type { Clamp, Padding } from '../../ir/ops.js';
import { floatActivationClamp, int32ActivationClamp } from '../../ir/float.js';
import { activationClamp, dtypeRange, type FusedActivation } from '../../ir/quant.js';
import { convOutSize, paddingFor } from '../../ir/shapes.js';
import type { OptionValues } from './options.js';
import { ACTIVATIONS, PADDINGS, tensorTypeCode } from './schema.js';

const CANDIDATE_ACTIVATIONS: readonly FusedActivation[] = ['NONE', 'RELU', 'RELU6', 'RELU_N1_TO_1'];

export function optionValuesFor(op: AnyOp, index: number, tensors: readonly Tensor[]): OptionValues {
  const where = `${op.kind} at node ${index}`;
  const output = tensors[op.outputs[0]!]!;
  const input = tensors[op.inputs[0]!]!;
  const activation = (clamp: Clamp) => activationCode(clamp, output, where);
  switch (op.kind) {
    case 'ADD':
    case 'SUB':
      // int16: the general-scale kernel TFLM runs, which the converter's 16x8 files mark pot_scale_int16 false
      return { activation: activation(op.attrs.clamp), potScaleInt16: output.dtype !== 'int16' };
    case 'MUL':
    case 'DIV':
      return { activation: activation(op.attrs.clamp) };
    case 'CONV_2D':
    case 'DEPTHWISE_CONV_2D': {
      const filter = tensors[op.inputs[1]!]!;
      const padding = paddingCode(op.attrs.pad, input, output, [filter.shape[1]!, filter.shape[2]!], op.attrs.stride, op.attrs.dilation, where);
      const common = {
        padding,
        strideH: op.attrs.stride[0],
        strideW: op.attrs.stride[1],
        dilationH: op.attrs.dilation[0],
        dilationW: op.attrs.dilation[1],
        activation: activation(op.attrs.clamp),
      };
      return op.kind === 'CONV_2D' ? common : { ...common, depthMultiplier: op.attrs.depthMultiplier };
    }
    case 'AVERAGE_POOL_2D':
    case 'MAX_POOL_2D':
      return {
        padding: paddingCode(op.attrs.pad, input, output, op.attrs.filter, op.attrs.stride, [1, 1], where),
        strideH: op.attrs.stride[0],
        strideW: op.attrs.stride[1],
        filterH: op.attrs.filter[0],
        filterW: op.attrs.filter[1],
        activation: activation(op.attrs.clamp),
      };
    case 'FULLY_CONNECTED':
      return { activation: activation(op.attrs.clamp), keepNumDims: op.attrs.keepNumDims };
    case 'CONCATENATION':
      return { axis: op.attrs.axis, activation: activation(op.attrs.clamp) };
    case 'LEAKY_RELU':
      return { alpha: op.attrs.alpha };
    case 'MEAN':
    case 'SUM':
    case 'REDUCE_MAX':
      return { keepDims: op.attrs.keepDims };
    case 'RESHAPE':
      return { newShape: output.shape };
    case 'SQUEEZE':
      return { squeezeDims: squeezedDims(input.shape, output.shape, where) };
    case 'RESIZE_NEAREST_NEIGHBOR':
    case 'RESIZE_BILINEAR':
      return { alignCorners: op.attrs.alignCorners, halfPixelCenters: op.attrs.halfPixelCenters };
    case 'SOFTMAX':
      return { beta: op.attrs.beta };
    case 'TRANSPOSE_CONV': {
      // The pads are a convolution's from the output's H x W: the padding whose pads they are.
      const filter = tensors[op.inputs[1]!]!;
      const fits = (padding: (typeof PADDINGS)[number]) =>
        [0, 1].every((axis) => {
          const size = output.shape[1 + axis]!, k = filter.shape[1 + axis]!, s = op.attrs.stride[axis]!;
          return paddingFor(size, k, s, 1, convOutSize(padding, size, k, s, 1))[0] === (axis === 0 ? op.attrs.pad.top : op.attrs.pad.left);
        });
      const padding = PADDINGS.find((p) => (p === 'SAME' || p === 'VALID') && fits(p));
      if (padding === undefined) throw new UnsupportedError(`${where}: pads ${JSON.stringify(op.attrs.pad)} are neither SAME nor VALID for these shapes`, { pad: op.attrs.pad });
      return { padding: PADDINGS.indexOf(padding), strideH: op.attrs.stride[0], strideW: op.attrs.stride[1], activation: activation(op.attrs.clamp) };
    }
    case 'SVDF':
      return { rank: op.attrs.rank, activation: ACTIVATIONS.indexOf(op.attrs.activation) };
    case 'UNIDIRECTIONAL_SEQUENCE_LSTM':
      return { activation: ACTIVATIONS.indexOf('TANH'), cellClip: op.attrs.cellClip, projClip: op.attrs.projClip, timeMajor: op.attrs.timeMajor };
    case 'DEPTH_TO_SPACE':
    case 'SPACE_TO_DEPTH':
      return { blockSize: op.attrs.blockSize };
    case 'PACK':
      return { valuesCount: op.inputs.length, axis: op.attrs.axis };
    case 'SPLIT':
    case 'SPLIT_V':
      return { numSplits: op.outputs.length };
    case 'BATCH_MATMUL':
      return { adjX: op.attrs.adjX, adjY: op.attrs.adjY };
    case 'GATHER':
      return { axis: op.attrs.axis, batchDims: op.attrs.batchDims };
    case 'CAST':
      return { inDataType: tensorTypeCode(input.dtype), outDataType: tensorTypeCode(output.dtype) };
    case 'SHAPE':
      return { outType: tensorTypeCode(output.dtype) };
    case 'UNPACK':
      return { num: op.outputs.length, axis: op.attrs.axis };
    case 'STRIDED_SLICE': {
      const m = op.attrs.masks;
      return { beginMask: m.begin, endMask: m.end, ellipsisMask: m.ellipsis, newAxisMask: m.newAxis, shrinkAxisMask: m.shrinkAxis, offset: m.offset };
    }
    default:
      return {};
  }
}

/** The first fused activation whose clamp equals the given one (several can coincide; any reproduces it). */
function activationCode(clamp: Clamp, output: Tensor, where: string): number {
  const dtype = output.dtype;
  const unquantizedInt32 = dtype === 'int32' && output.quant === null;
  if (dtype === 'float32' || unquantizedInt32) {
    for (const candidate of CANDIDATE_ACTIVATIONS) {
      const c = unquantizedInt32 ? int32ActivationClamp(candidate) : floatActivationClamp(candidate);
      if (c[0] === clamp[0] && c[1] === clamp[1]) return ACTIVATIONS.indexOf(candidate);
    }
  }
  if (dtype === 'int8' || dtype === 'uint8' || dtype === 'int16' || dtype === 'int32') {
    const range = dtypeRange(dtype);
    const scale = output.quant?.scales[0];
    for (const candidate of CANDIDATE_ACTIVATIONS) {
      if (candidate !== 'NONE' && (scale === undefined || !(scale > 0))) continue;
      const c = candidate === 'NONE' ? range : activationClamp(candidate, scale!, output.quant!.zeroPoints[0]!, range);
      if (c[0] === clamp[0] && c[1] === clamp[1]) return ACTIVATIONS.indexOf(candidate);
    }
  }
  throw new UnsupportedError(`${where}: clamp [${clamp}] on a ${dtype} output is no TFLite fused activation`, { clamp, tensor: output.id });
}

/** VALID when the pads are zero and the output size fits, else SAME when they are what SAME computes. */
function paddingCode(
  pad: Padding,
  input: Tensor,
  output: Tensor,
  filter: readonly [number, number],
  stride: readonly [number, number],
  dilation: readonly [number, number],
  where: string,
): number {
  for (const padding of PADDINGS.slice().reverse()) {
    const fits = [0, 1].every((axis) => {
      const inSize = input.shape[1 + axis]!;
      const out = convOutSize(padding, inSize, filter[axis]!, stride[axis]!, dilation[axis]!);
      const [before, after] = paddingFor(inSize, filter[axis]!, stride[axis]!, dilation[axis]!, out);
      const [b, a] = axis === 0 ? [pad.top, pad.bottom] : [pad.left, pad.right];
      return out === output.shape[1 + axis] && before === b && after === a;
    });
    if (fits) return PADDINGS.indexOf(padding);
  }
  throw new UnsupportedError(`${where}: explicit padding ${JSON.stringify(pad)} is neither SAME nor VALID for these shapes`, { pad });
}

/** Input dims that SQUEEZE removes: the output dims matched greedily in order, the rest must be 1. */
function squeezedDims(inShape: readonly number[], outShape: readonly number[], where: string): number[] {
  const dims: number[] = [];
  let j = 0;
  inShape.forEach((d, i) => {
    if (j < outShape.length && outShape[j] === d) j++;
    else if (d === 1) dims.push(i);
    else j = -Infinity; // a non-1 dim that is not in the output
  });
  if (j !== outShape.length) throw new UnsupportedError(`${where}: cannot squeeze [${inShape}] to [${outShape}]`, { input: inShape, output: outShape });
  return dims;
}
