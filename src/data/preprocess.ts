// From dataset pixels to the bytes of a model's input tensor: pixels scaled to [0, 1], channels adapted
// (gray <-> RGB), bilinear resize to the input's H x W, then the input tensor's own quantization.
import type { Tensor } from '../ir/graph.js';
import { affineQuantize, dtypeRange } from '../ir/quant.js';
import { InputDataError, UnsupportedError } from '../errors.js';
import { imageAt, type Dataset, type Pixels } from './types.js';

/** What preprocessing needs to know of a model input (an IR tensor is one). */
export type ModelInput = Pick<Tensor, 'name' | 'shape' | 'dtype' | 'quant'>;

/** ITU-R BT.601 luma weights, as PIL's convert('L') and OpenCV's RGB2GRAY use. */
const LUMA = [0.299, 0.587, 0.114] as const;

/** uint8 pixels divided by 255; float pixels as they are. */
export function toUnitRange(pixels: Pixels): Float32Array {
  if (pixels instanceof Float32Array) return pixels.slice();
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! / 255;
  return out;
}

/** HWC pixels with `from` channels to `to` channels: 1 -> 3 repeats gray, 3 -> 1 takes BT.601 luma. */
export function adaptChannels(hwc: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return hwc;
  const pixels = hwc.length / from;
  const out = new Float32Array(pixels * to);
  if (from === 1 && to === 3) {
    for (let p = 0; p < pixels; p++) out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = hwc[p]!;
  } else if (from === 3 && to === 1) {
    for (let p = 0; p < pixels; p++) out[p] = LUMA[0] * hwc[3 * p]! + LUMA[1] * hwc[3 * p + 1]! + LUMA[2] * hwc[3 * p + 2]!;
  } else {
    throw new InputDataError(`cannot adapt ${from} channel(s) to ${to}: only gray <-> RGB (1 <-> 3) conversions exist`, { from, to });
  }
  return out;
}

/**
 * Bilinear resize of an HWC image with half-pixel centers (TF2's tf.image.resize 'bilinear' without
 * antialiasing, PyTorch's align_corners=False, OpenCV's INTER_LINEAR): output pixel (y, x) samples the
 * input at ((y + 0.5) * inH / outH - 0.5, ...), clamped to the edge pixels.
 */
export function resizeBilinear(hwc: Float32Array, [inH, inW, c]: readonly [number, number, number], outH: number, outW: number): Float32Array {
  if (inH === outH && inW === outW) return hwc;
  const out = new Float32Array(outH * outW * c);
  const axis = (o: number, inSize: number, outSize: number) => {
    const src = Math.min(inSize - 1, Math.max(0, (o + 0.5) * (inSize / outSize) - 0.5));
    const lo = Math.floor(src);
    return { lo, hi: Math.min(inSize - 1, lo + 1), t: src - lo };
  };
  for (let y = 0; y < outH; y++) {
    const ay = axis(y, inH, outH);
    for (let x = 0; x < outW; x++) {
      const ax = axis(x, inW, outW);
      for (let k = 0; k < c; k++) {
        const at = (yy: number, xx: number) => hwc[(yy * inW + xx) * c + k]!;
        const top = at(ay.lo, ax.lo) + (at(ay.lo, ax.hi) - at(ay.lo, ax.lo)) * ax.t;
        const bottom = at(ay.hi, ax.lo) + (at(ay.hi, ax.hi) - at(ay.hi, ax.lo)) * ax.t;
        out[(y * outW + x) * c + k] = top + (bottom - top) * ay.t;
      }
    }
  }
  return out;
}

/** Real values to an integer tensor exactly as the reference QUANTIZE kernel (TFLite's AffineQuantize). */
export function quantizeValues(values: Float32Array, scale: number, zeroPoint: number, dtype: 'int8' | 'uint8' | 'int16'): Int8Array | Uint8Array | Int16Array {
  const out = dtype === 'int8' ? new Int8Array(values.length) : dtype === 'uint8' ? new Uint8Array(values.length) : new Int16Array(values.length);
  const [qmin, qmax] = dtypeRange(dtype);
  for (let i = 0; i < values.length; i++) out[i] = affineQuantize(values[i]!, scale, zeroPoint, qmin, qmax);
  return out;
}

/** The model input's [H, W, C] (rank 4 NHWC, or rank 3 NHW with one channel), or null for a flat [1, K] input. */
function inputImageShape(input: ModelInput): [number, number, number] | null {
  const s = input.shape;
  if (s.length === 4 && s[0] === 1) return [s[1]!, s[2]!, s[3]!];
  if (s.length === 3 && s[0] === 1) return [s[1]!, s[2]!, 1];
  return null;
}

/** Throws unless the dataset's images can feed the model input (after resize and channel adaptation). */
export function checkFits(d: Dataset, input: ModelInput): void {
  const [, h, w, c] = d.shape;
  const image = inputImageShape(input);
  const flat = input.shape.length === 2 && input.shape[0] === 1 && input.shape[1] === h * w * c;
  const channelsOk = image && (image[2] === c || (image[2] === 3 && c === 1) || (image[2] === 1 && c === 3));
  if (!flat && !channelsOk) {
    const why = image ? `channels ${c} -> ${image[2]} (only 1 <-> 3 convert)` : `the input is neither [1, H, W, C] nor [1, ${h * w * c}]`;
    throw new InputDataError(`dataset ${d.name} images [${h}, ${w}, ${c}] cannot feed model input ${input.name} [${input.shape.join(', ')}]: ${why}`, {
      dataset: d.name,
      imageShape: [h, w, c],
      inputShape: input.shape,
    });
  }
}

/** One image as the values the model input holds before quantization (resized, channels adapted, [0, 1]). */
export function imageToInputValues(d: Dataset, i: number, input: ModelInput): Float32Array {
  checkFits(d, input);
  const [, h, w, c] = d.shape;
  const unit = toUnitRange(imageAt(d, i));
  const image = inputImageShape(input);
  if (!image) return unit; // a flat input of exactly H*W*C values
  const [outH, outW, outC] = image;
  return resizeBilinear(adaptChannels(unit, c, outC), [h, w, outC], outH, outW);
}

/** The raw bytes of image i for the model input: float32 values, or quantized with the input's scale and zero point. */
export function imageToInputBytes(d: Dataset, i: number, input: ModelInput): Uint8Array {
  const values = imageToInputValues(d, i, input);
  if (input.dtype === 'float32') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (input.dtype !== 'int8' && input.dtype !== 'uint8' && input.dtype !== 'int16') {
    throw new UnsupportedError(`model input ${input.name} is ${input.dtype}: images feed int8, uint8, int16 or float32 inputs`, { input: input.name, dtype: input.dtype });
  }
  const q = input.quant;
  if (!q || q.scales.length !== 1) {
    throw new UnsupportedError(`model input ${input.name} (${input.dtype}) needs one scale and zero point to quantize images, it has ${q?.scales.length ?? 0}`, { input: input.name });
  }
  const out = quantizeValues(values, q.scales[0]!, q.zeroPoints[0]!, input.dtype);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Every image's input bytes, in order. */
export function datasetToInputs(d: Dataset, input: ModelInput): Uint8Array[] {
  checkFits(d, input);
  return Array.from({ length: d.shape[0] }, (_, i) => imageToInputBytes(d, i, input));
}
