// Float32 .tflite models in the IR: float ops carry attrs only (params null), fused activations become
// real clamps, and the writer reproduces them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import { FLOAT32_MAX, isFloatOp } from '../../src/ir/float.js';
import type { Graph } from '../../src/ir/graph.js';
import { MODELS_DIR, haveShared } from '../helpers/shared.js';
import { comparable } from './graph-compare.js';

const load = (name: string): Graph => readTflite(new Uint8Array(readFileSync(join(MODELS_DIR, 'mlperf-tiny-float', `${name}.tflite`))));

describe.runIf(haveShared())('float32 models in the IR', () => {
  it('every op of the float models is a float op with null params', () => {
    for (const name of ['ad01_fp32', 'pretrainedResnet', 'vww_96_float']) {
      const g = load(name);
      for (const op of g.ops) {
        expect(isFloatOp(op, g.tensors)).toBe(true);
        expect(op.params).toBeNull();
      }
    }
  });

  it('fused activations are clamps on real values: RELU [0, FLT_MAX], none [-FLT_MAX, FLT_MAX]', () => {
    const g = load('ad01_fp32');
    const clamps = g.ops.map((op) => (op.kind === 'FULLY_CONNECTED' ? op.attrs.clamp : null));
    // The autoencoder's 9 hidden dense layers are ReLU, the reconstruction layer linear.
    expect(clamps.slice(0, 9)).toEqual(Array.from({ length: 9 }, () => [0, FLOAT32_MAX]));
    expect(clamps[9]).toEqual([-FLOAT32_MAX, FLOAT32_MAX]);
    // vww's convolutions are ReLU or linear: real clamps only.
    const vww = load('vww_96_float');
    const convClamps = new Set(vww.ops.filter((op) => op.kind === 'CONV_2D').map((op) => JSON.stringify((op.attrs as { clamp: number[] }).clamp)));
    for (const c of convClamps) expect([JSON.stringify([0, FLOAT32_MAX]), JSON.stringify([-FLOAT32_MAX, FLOAT32_MAX])]).toContain(c);
  });

  it('float models round-trip through writeTflite', () => {
    for (const name of ['ad01_fp32', 'pretrainedResnet', 'vww_96_float']) {
      const g = load(name);
      const written = writeTflite(g);
      expect(comparable(readTflite(written))).toEqual(comparable(g));
    }
  });
});
