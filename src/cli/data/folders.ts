// Datasets in a user's folder: IDX files, .npy pairs, or class sub-folders of PNG/JPEG pictures.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type jpegJs from 'jpeg-js';
import type { PNG as PngJs } from 'pngjs';
import { InputDataError } from '../../errors.js';
import { datasetFromArrays } from '../../data/arrays.js';
import { parseIdx } from '../../data/idx.js';
import { parseNpy } from '../../data/npy.js';
import { resizeBilinear, toUnitRange } from '../../data/preprocess.js';
import { checkDataset, type Dataset } from '../../data/types.js';
import { byCodePoint, isDirectory, isFile, listFolder, readDataFile } from './files.js';

// The picture decoders load with the first picture, not at the CLI's start (both are CommonJS: required synchronously).
const require = createRequire(import.meta.url);
let decoders: { jpeg: typeof jpegJs; PNG: typeof PngJs } | null = null;
const pictureDecoders = () => (decoders ??= { jpeg: require('jpeg-js') as typeof jpegJs, PNG: (require('pngjs') as { PNG: typeof PngJs }).PNG });

export type FileSet = 'train' | 'test';

/** IDX file names as MNIST and Fashion-MNIST ship them, gzipped or not. */
const IDX_PREFIX: Record<FileSet, string> = { train: 'train', test: 't10k' };
/** .npy names, as Keras' load_data() returns them. */
const NPY_NAMES: Record<FileSet, [string, string]> = { train: ['x_train.npy', 'y_train.npy'], test: ['x_test.npy', 'y_test.npy'] };
/** Largest picture file read. */
const MAX_PICTURE_BYTES = 64 * 1024 * 1024;
const PICTURE = /\.(png|jpe?g)$/i;

function firstFile(dir: string, names: string[]): string | null {
  for (const n of names) if (isFile(join(dir, n))) return join(dir, n);
  return null;
}

function idxFiles(dir: string, set: FileSet): { images: string; labels: string } | null {
  const p = IDX_PREFIX[set];
  const variants = (kind: string, rank: number) => [`${p}-${kind}-idx${rank}-ubyte`, `${p}-${kind}.idx${rank}-ubyte`].flatMap((n) => [n, `${n}.gz`]);
  const images = firstFile(dir, variants('images', 3));
  const labels = firstFile(dir, variants('labels', 1));
  return images && labels ? { images, labels } : null;
}

/** Optional class names, one a line, in `classes.txt`. */
function classNames(dir: string): string[] | undefined {
  const file = join(dir, 'classes.txt');
  if (!isFile(file)) return undefined;
  return new TextDecoder().decode(readDataFile(file, 1024 * 1024)).split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '');
}

export function loadIdxSet(dir: string, set: FileSet, name: string, classes = classNames(dir)): Dataset {
  const files = idxFiles(dir, set);
  if (!files) throw new InputDataError(`${dir} has no ${IDX_PREFIX[set]}-images-idx3-ubyte[.gz] / ${IDX_PREFIX[set]}-labels-idx1-ubyte[.gz] pair for the ${set} set`, { path: dir, set });
  const images = parseIdx(readDataFile(files.images), files.images);
  const labels = parseIdx(readDataFile(files.labels), files.labels);
  return datasetFromArrays({ name, images, labels, classes, imagesFile: files.images, labelsFile: files.labels });
}

export function loadNpySet(dir: string, set: FileSet, name: string): Dataset {
  const [x, y] = NPY_NAMES[set].map((n) => join(dir, n)) as [string, string];
  if (!isFile(x) || !isFile(y)) throw new InputDataError(`${dir} has no ${NPY_NAMES[set].join(' / ')} pair for the ${set} set`, { path: dir, set });
  const images = parseNpy(readDataFile(x), x);
  const labels = parseNpy(readDataFile(y), y);
  return datasetFromArrays({ name, images, labels, classes: classNames(dir), imagesFile: x, labelsFile: y });
}

interface Picture {
  file: string;
  height: number;
  width: number;
  /** RGB bytes. */
  rgb: Uint8Array;
}

function decodePicture(file: string): Picture {
  const bytes = readDataFile(file, MAX_PICTURE_BYTES);
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  try {
    if (/\.png$/i.test(file)) {
      const png = pictureDecoders().PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = png);
      rgba = new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength);
    } else {
      const jpg = pictureDecoders().jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 64, maxMemoryUsageInMB: 512 });
      ({ width, height } = jpg);
      rgba = jpg.data;
    }
  } catch (e) {
    throw new InputDataError(`cannot decode picture ${file}: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) rgb.set(rgba.subarray(4 * p, 4 * p + 3), 3 * p); // alpha dropped
  return { file, width, height, rgb };
}

/** Class sub-folders of `dir` (sorted), or [] when it has none. */
function classFolders(dir: string): string[] {
  return listFolder(dir).filter((n) => isDirectory(join(dir, n)));
}

/** The folder holding the class sub-folders of a set: DIR/train or DIR/test when they exist, else DIR itself for test. */
function pictureSetFolder(dir: string, set: FileSet): string | null {
  if (isDirectory(join(dir, set))) return join(dir, set);
  if (!isDirectory(join(dir, 'train')) && !isDirectory(join(dir, 'test')) && set === 'test') return dir;
  return null;
}

/**
 * A set of PNG/JPEG pictures in class sub-folders (classes = the sorted folder names, of both sets).
 * Pictures are RGB; with `size` [H, W] each is resized (bilinear) to it, else all must share one size.
 */
export function loadPictureSet(dir: string, set: FileSet, name: string, size?: [number, number]): Dataset {
  const folder = pictureSetFolder(dir, set);
  if (!folder) throw new InputDataError(`${dir} has no ${set}/ folder of class sub-folders`, { path: dir, set });
  // both sets' folders, so a class missing from one set keeps its index
  const setFolders = folder === dir ? [dir] : (['train', 'test'] as const).map((s) => join(dir, s)).filter(isDirectory);
  const classes = [...new Set(setFolders.flatMap(classFolders))].sort(byCodePoint);
  const pictures: Picture[] = [];
  const labels: number[] = [];
  for (const cls of classFolders(folder)) {
    for (const f of listFolder(join(folder, cls)).filter((n) => PICTURE.test(n))) {
      pictures.push(decodePicture(join(folder, cls, f)));
      labels.push(classes.indexOf(cls));
    }
  }
  if (pictures.length === 0) throw new InputDataError(`${folder} holds no .png/.jpg pictures in class sub-folders`, { path: folder });
  const [h, w] = size ?? [pictures[0]!.height, pictures[0]!.width];
  const n = pictures.length;
  const same = pictures.every((p) => p.height === h && p.width === w);
  if (!same && !size) {
    const odd = pictures.find((p) => p.height !== h || p.width !== w)!;
    throw new InputDataError(`picture ${odd.file} is ${odd.height}x${odd.width}, ${pictures[0]!.file} is ${h}x${w}: pictures of one set must share a size`, {
      file: odd.file,
      size: [odd.height, odd.width],
      expected: [h, w],
    });
  }
  const pixels = h * w * 3;
  const images = same ? new Uint8Array(n * pixels) : new Float32Array(n * pixels);
  pictures.forEach((p, i) => {
    if (images instanceof Uint8Array) images.set(p.rgb, i * pixels);
    else images.set(resizeBilinear(toUnitRange(p.rgb), [p.height, p.width, 3], h, w), i * pixels);
  });
  return checkDataset({ name, images, shape: [n, h, w, 3], labels: Int32Array.from(labels), classes });
}

/** What a data folder holds, judged by its file names. */
export function folderKind(dir: string): 'idx' | 'npy' | 'pictures' | null {
  if (idxFiles(dir, 'train') || idxFiles(dir, 'test')) return 'idx';
  if (isFile(join(dir, NPY_NAMES.train[0])) || isFile(join(dir, NPY_NAMES.test[0]))) return 'npy';
  const sets = ['train', 'test'].filter((s) => isDirectory(join(dir, s)));
  if (sets.length > 0 || classFolders(dir).length > 0) return 'pictures';
  return null;
}
