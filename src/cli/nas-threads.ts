// Plans every piece of a search space up front across worker threads (one per core by default), so the
// agents' predictor then only composes cached figures. Needs the built package (dist/): from the sources
// (tests run in-process) the pieces are planned lazily on the calling thread instead.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ToolchainError } from '../errors.js';
import { packageFileUrl } from '../package-asset.js';
import { spacePieces, type PieceCost } from '../nas/fragments.js';
import type { Piece } from '../nas/build.js';
import type { EfficiencyPredictor } from '../nas/predictor.js';

const WORKER = 'dist/src/cli/nas-piece-worker.js';

/** Whether this install can start piece workers (a built package). */
export function pieceWorkersAvailable(): boolean {
  return existsSync(fileURLToPath(packageFileUrl(WORKER)));
}

/** Plans the space's pieces in `threads` workers and seeds the predictor with them; returns how many. */
export async function planSpacePieces(predictor: EfficiencyPredictor, threads: number): Promise<number> {
  const pieces = spacePieces(predictor.space);
  const chunks: Piece[][] = Array.from({ length: Math.min(threads, pieces.length) }, () => []);
  // Round-robin: neighbouring pieces differ in cost (resolution, width), so each thread gets a mix.
  pieces.forEach((p, i) => chunks[i % chunks.length]!.push(p));
  const results = await Promise.all(
    chunks.map(
      (chunk) =>
        new Promise<Array<[Piece, PieceCost]>>((resolve, reject) => {
          // Plain data only crosses to a thread: the planner's progress callback stays here.
          const options = { ...predictor.options, plan: { ...predictor.options.plan, onProgress: undefined } };
          const worker = new Worker(packageFileUrl(WORKER), { workerData: { pieces: chunk, options } });
          worker.once('message', resolve);
          worker.once('error', (e) => reject(new ToolchainError(`a nas worker thread failed: ${e.message}`, { cause: String(e) })));
          worker.once('exit', (code) => code !== 0 && reject(new ToolchainError(`a nas worker thread exited with code ${code}`, { code })));
        }),
    ),
  );
  for (const r of results) predictor.seedPieces(r);
  return pieces.length;
}
