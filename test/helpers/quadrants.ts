// The eval tests' classifier whose answers are known by construction ("which quadrant of an 8x8 image
// is brightest") and its labelled dataset as an IDX folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelBuilder, type TensorHandle } from '../../src/builder/index.js';
import { writeTflite } from '../../src/import/tflite/index.js';

/** Quadrant k of an 8x8 image: rows 4*(k>>1).., columns 4*(k&1)... */
const inQuadrant = (k: number, y: number, x: number) => (y >> 2) === k >> 1 && (x >> 2) === (k & 1);

/**
 * "Which quadrant is brightest": 8x8 gray input, flattened, one dense layer whose unit k averages
 * quadrant k. Float interface (QUANTIZE in, DEQUANTIZE out) or int8 input with the same quantization.
 * Written to dir/file; returns the path.
 */
export function quadrantModel(dir: string, file: string, floatIo: boolean): string {
  const b = new ModelBuilder({ name: 'quadrants', seed: 3 });
  let x: TensorHandle = floatIo ? b.quantize(b.floatInput('image', [1, 8, 8, 1], [0, 1]), { quant: { scale: 1 / 255, zeroPoint: -128 } }) : b.input('image', [1, 8, 8, 1], { scale: 1 / 255, zeroPoint: -128 });
  x = b.reshape(x, [1, 64]);
  const weights = Array.from({ length: 4 * 64 }, (_, i) => (inQuadrant(Math.floor(i / 64), (i % 64) >> 3, i % 8) ? 1 / 16 : 0));
  let y = b.fullyConnected(x, { units: 4, weights, bias: [0, 0, 0, 0] });
  if (floatIo) y = b.dequantize(y);
  b.output(y);
  const path = join(dir, file);
  writeFileSync(path, writeTflite(b.build()));
  return path;
}

/** An IDX file (unsigned bytes) of `shape`. */
export function idx(shape: number[], data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  out.set([0, 0, 8, shape.length]);
  shape.forEach((d, i) => new DataView(out.buffer).setUint32(4 + 4 * i, d, false));
  out.set(Array.from(data), 4 + 4 * shape.length);
  return out;
}

/**
 * 40 images: image i lights quadrant i % 4 (pixels 150..213), the rest stay dim (0..59). Its label is
 * that quadrant, except every tenth image (i % 10 == 9), labelled the next quadrant: 36 of 40 right.
 */
export const N = 40;
export const truth = Array.from({ length: N }, (_, i) => i % 4);
export const labels = truth.map((q, i) => (i % 10 === 9 ? (q + 1) % 4 : q));
export const CLASSES = ['top-left', 'top-right', 'bottom-left', 'bottom-right'];

/** The 40 images as an IDX test set in dir, with classes.txt. */
export function writeQuadrants(dir: string, classes: string[]): string {
  mkdirSync(dir, { recursive: true });
  const pixels = new Uint8Array(N * 64);
  for (let i = 0; i < N; i++) for (let p = 0; p < 64; p++) pixels[i * 64 + p] = inQuadrant(truth[i]!, p >> 3, p % 8) ? 150 + ((i * 7 + p) % 64) : (i * 13 + p * 5) % 60;
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx([N, 8, 8], pixels));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([N], labels));
  writeFileSync(join(dir, 'classes.txt'), classes.join('\n'));
  return dir;
}

/** confusion[label][predicted], from the construction: the model predicts the lit quadrant. */
export const expectedConfusion = CLASSES.map((_, l) => CLASSES.map((_, p) => labels.filter((lab, i) => lab === l && truth[i] === p).length));
