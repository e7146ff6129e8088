// Fashion-MNIST from Debian's dataset-fashion-mnist (IDX files, gzip), for the training benchmark and
// tests. Stopgap until src/data's dataset module (issue #11 item 2) lands; then use that instead.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputDataError, ToolchainError } from '../src/errors.js';
import type { Batch } from '../src/train/loop.js';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

function idx(file: string, magic: number): { dims: number[]; data: Uint8Array } {
  const bytes = gunzipSync(readFileSync(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(0) !== magic) {
    throw new InputDataError(`${file} is not an IDX file of magic 0x${magic.toString(16)}`, { file, bytes: bytes.length });
  }
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const start = 4 + 4 * rank;
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length < start + count) throw new InputDataError(`${file} holds ${bytes.length - start} bytes, its dims ${dims.join('x')} need ${count}`, { file, dims });
  return { dims, data: bytes.subarray(start, start + count) };
}

/** The first `limit` images of a split, scaled to [0, 1], NHWC [n, 28, 28, 1]. */
export function fashionMnist(split: 'train' | 't10k', limit = Infinity): Batch {
  const images = join(FASHION_MNIST_DIR, `${split}-images-idx3-ubyte.gz`);
  const labels = join(FASHION_MNIST_DIR, `${split}-labels-idx1-ubyte.gz`);
  if (!existsSync(images) || !existsSync(labels)) {
    throw new ToolchainError(`Fashion-MNIST is missing (${images}): install Debian's dataset-fashion-mnist`, { images, labels });
  }
  const x = idx(images, 0x803);
  const y = idx(labels, 0x801);
  const n = Math.min(limit, x.dims[0]!, y.dims[0]!);
  const [h, w] = [x.dims[1]!, x.dims[2]!];
  const out = new Float32Array(n * h * w);
  for (let i = 0; i < out.length; i++) out[i] = x.data[i]! / 255;
  return { images: out, labels: y.data.slice(0, n), shape: [h, w, 1] };
}
