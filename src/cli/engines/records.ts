// Batch files of the C harnesses (firmware-templates/harness): in<i>.bin holds input i of every set back
// to back, out<i>.bin output i of every set; one process or firmware run then serves the whole batch.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolchainError } from '../../errors.js';
import { byteSize } from '../../ir/shapes.js';
import { checkInputs } from '../../reference/interpreter.js';
import type { Schedule } from '../../schedule/types.js';
import { writeFiles } from '../c-toolchain.js';

/** in<i>.bin and out<i>.bin: the harness's file names, relative to its working folder. */
export const inputFile = (i: number) => `in${i}.bin`;
export const outputFile = (i: number) => `out${i}.bin`;

/** Checks every set against the model's inputs (a wrong size would shift every later record), then writes in<i>.bin. */
export function writeInputRecords(dir: string, schedule: Schedule, sets: readonly Uint8Array[][]): void {
  for (const inputs of sets) checkInputs(schedule.graph, inputs);
  const files: Record<string, Uint8Array> = {};
  schedule.inputs.forEach((ref, i) => {
    const bytes = byteSize(ref.shape, ref.dtype);
    const blob = new Uint8Array(bytes * sets.length);
    sets.forEach((inputs, k) => blob.set(inputs[i]!, k * bytes));
    files[inputFile(i)] = blob;
  });
  writeFiles(dir, files);
}

/** Reads out<i>.bin back as `count` sets of outputs; a file of another size is the harness's failure. */
export function readOutputRecords(dir: string, schedule: Schedule, count: number, runner: string): Uint8Array[][] {
  const blobs = schedule.outputs.map((ref, i) => {
    const bytes = byteSize(ref.shape, ref.dtype);
    const blob = new Uint8Array(readFileSync(join(dir, outputFile(i))));
    if (blob.byteLength !== bytes * count) {
      throw new ToolchainError(`${runner} wrote ${blob.byteLength} bytes of output ${i}, expected ${count} records of ${bytes}`, { output: i, gotBytes: blob.byteLength, expectedBytes: bytes * count, records: count });
    }
    return { blob, bytes };
  });
  return Array.from({ length: count }, (_, k) => blobs.map(({ blob, bytes }) => blob.slice(k * bytes, (k + 1) * bytes)));
}
