// --data NAME|DIR and --split: the one entry point the commands use to get a Dataset.
import { basename, resolve } from 'node:path';
import { InputDataError, UsageError } from '../../errors.js';
import { splitTrainValidation } from '../../data/split.js';
import type { Dataset } from '../../data/types.js';
import { isDirectory } from './files.js';
import { folderKind, loadIdxSet, loadNpySet, loadPictureSet, type FileSet } from './folders.js';
import { FASHION_MNIST_DIR, loadFashionMnist, loadMnistDigits } from './named.js';

export const SPLITS = ['test', 'train', 'val'] as const;
export type Split = (typeof SPLITS)[number];
export const DATASET_NAMES = ['fashion-mnist', 'mnist'] as const;

export interface DataRequest {
  /** A dataset name (fashion-mnist, mnist) or a folder. */
  data: string;
  split: Split;
  /** Seed of the train/validation split. */
  seed: number;
  /** Share of the training set held out as `val` (and so left out of `train`). */
  valFraction: number;
  /** Picture folders: resize every picture to [H, W] (the model's input). */
  imageSize?: [number, number];
  /** Where Fashion-MNIST is looked for (tests). */
  fashionMnistDir?: string;
}

/** The file set a dataset name or folder provides. */
function loadFileSet(req: DataRequest, set: FileSet): Dataset {
  if (req.data === 'fashion-mnist') return loadFashionMnist(set, req.fashionMnistDir ?? FASHION_MNIST_DIR);
  if (req.data === 'mnist') return loadMnistDigits(set);
  if (!isDirectory(req.data)) {
    throw new UsageError(`--data ${req.data} is neither a dataset name (${DATASET_NAMES.join(', ')}) nor a folder`, { data: req.data });
  }
  const name = `${basename(resolve(req.data))}/${set}`;
  switch (folderKind(req.data)) {
    case 'idx':
      return loadIdxSet(req.data, set, name);
    case 'npy':
      return loadNpySet(req.data, set, name);
    case 'pictures':
      return loadPictureSet(req.data, set, name, req.imageSize);
    default:
      throw new InputDataError(
        `${req.data} holds no dataset: expected IDX files (train-images-idx3-ubyte[.gz], ...), .npy pairs (x_train.npy, y_train.npy, ...) or class sub-folders of PNG/JPEG pictures`,
        { path: req.data },
      );
  }
}

/** The requested split: test as shipped; train and val from the training set, split by the seed. */
export function loadDataset(req: DataRequest): Dataset {
  if (!SPLITS.includes(req.split)) throw new UsageError(`--split must be one of ${SPLITS.join(', ')}, got "${req.split}"`);
  if (req.split === 'test') return loadFileSet(req, 'test');
  const trainSet = loadFileSet(req, 'train');
  const { train, validation } = splitTrainValidation(trainSet, { fraction: req.valFraction, seed: req.seed });
  const chosen = req.split === 'val' ? validation : train;
  if (chosen.shape[0] === 0) throw new UsageError(`the ${req.split} split of ${req.data} is empty (validation fraction ${req.valFraction})`, { split: req.split });
  return { ...chosen, name: trainSet.name.replace(/\/train$/, `/${req.split}`) };
}
