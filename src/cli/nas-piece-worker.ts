// A worker thread of `nas`: plans the pieces it is given (workerData) and posts their costs back.
import { parentPort, workerData } from 'node:worker_threads';
import { measurePiece } from '../nas/fragments.js';
import type { Piece } from '../nas/build.js';
import type { PredictorOptions } from '../nas/predictor.js';

const { pieces, options } = workerData as { pieces: Piece[]; options: PredictorOptions };
parentPort!.postMessage(pieces.map((p) => [p, measurePiece(p, options)]));
