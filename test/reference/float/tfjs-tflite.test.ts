// The float32 reference interpreter against TFLite itself (@tensorflow/tfjs-tflite's wasm build) on the
// MLPerf Tiny float models. Inputs: the golden xorshift stream (src/reference/inputs.ts), each byte an
// int8 q read as (q - zp) * scale with the int8 sibling model's input quantization, so the values span
// the range the model was trained on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTfliteNodeModel, type TfliteNodeModel } from '../../../bench/tfjs-tflite-node.js';
import { readTflite } from '../../../src/import/tflite/index.js';
import { xorshiftInputs } from '../../../src/reference/inputs.js';
import { runReference } from '../../../src/reference/interpreter.js';
import { runSchedule } from '../../../src/reference/execute.js';
import { planModel, scheduleOf } from '../../../src/pipeline.js';
import { TinyforgeError } from '../../../src/errors.js';
import { MODELS_DIR, haveShared } from '../../helpers/shared.js';

/** max |ours - tflite| over the output, relative to max |tflite| (an elementwise ratio is meaningless at 0). */
function maxRelErr(ours: Float32Array, theirs: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < theirs.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i]! - theirs[i]!));
    scale = Math.max(scale, Math.abs(theirs[i]!));
  }
  return diff / scale;
}

const floats = (bytes: Uint8Array) => new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);

interface Case {
  model: string;
  /** The int8 sibling's input quantization: the range the inputs are drawn in. */
  input: { scale: number; zeroPoint: number };
  /** Stated bound on maxRelErr per output, and why it is what it is. */
  bound: number;
}

// Measured (3 sets): ad01 4.6e-7..6.4e-7, resnet 1.1e-9..1.2e-7, vww 0..3.1e-8. Not bit-exact because
// TFLite's optimized kernels (XNNPack/ruy GEMMs, FMA) sum the products in another order than the
// reference's sequential float32 sum; expf/tanhf differ from Math.exp/Math.tanh rounded to float32 in
// the last bit at most. Each differing sum is off by a few ulps and the layers carry it on.
const CASES: Case[] = [
  // 10 FULLY_CONNECTED layers of 128-640 terms, no softmax: the reconstruction keeps every ulp of
  // summation-order difference (~5 ulps of the output range at the end), hence 2e-6 rather than 1e-6.
  { model: 'ad01_fp32', input: { scale: 0.3910152316093445, zeroPoint: 89 }, bound: 2e-6 },
  // 9 convolutions + 3 residual ADDs, then SOFTMAX over 10 classes: the probabilities agree to ~1e-7.
  { model: 'pretrainedResnet', input: { scale: 1, zeroPoint: -128 }, bound: 1e-6 },
  // 27 conv/depthwise layers, then SOFTMAX over 2 classes (which flattens logit differences): ~1e-8.
  { model: 'vww_96_float', input: { scale: 0.003921568859368563, zeroPoint: -128 }, bound: 1e-6 },
];

describe.runIf(haveShared())('float32 reference vs tfjs-tflite on the MLPerf Tiny float models', () => {
  const opened: TfliteNodeModel[] = [];
  afterAll(() => opened.forEach((m) => m.dispose()));

  for (const c of CASES) {
    it(`${c.model}: max relative error per output below ${c.bound} on 3 input sets`, async () => {
      const bytes = new Uint8Array(readFileSync(join(MODELS_DIR, 'mlperf-tiny-float', `${c.model}.tflite`)));
      const graph = readTflite(bytes);
      const tflite = await loadTfliteNodeModel(bytes);
      opened.push(tflite);
      const schedule = scheduleOf(planModel(graph).plan);
      const errors: number[] = [];
      for (let set = 0; set < 3; set++) {
        const inputs = xorshiftInputs(graph, set, [c.input]);
        inputs.forEach((x, i) => tflite.setInput(i, x));
        tflite.invoke();
        const theirs = tflite.readOutputs();
        const ours = runReference(graph, inputs).outputs;
        // The planned arena (float32 tensors overlapped by the streaming variants) gives the same bytes.
        expect(runSchedule(schedule, inputs).outputs).toEqual(ours);
        expect(ours.length).toBe(theirs.length);
        ours.forEach((o, i) => errors.push(maxRelErr(floats(o), floats(theirs[i]!))));
      }
      console.log(`${c.model}: max relative error per output and set ${errors.map((e) => e.toExponential(2)).join(' ')}`);
      for (const e of errors) expect(e).toBeLessThan(c.bound);
    }, 120_000);
  }

  it('the float plans use the overlapping kernel variants (so the check above exercises them)', () => {
    const variants = new Set<string>();
    for (const c of CASES) {
      const graph = readTflite(new Uint8Array(readFileSync(join(MODELS_DIR, 'mlperf-tiny-float', `${c.model}.tflite`))));
      for (const call of scheduleOf(planModel(graph).plan).calls) if (call.type !== 'copy-window') variants.add(call.variant);
    }
    expect([...variants].sort()).toEqual(expect.arrayContaining(['stream-element', 'stream-row']));
  });

  it('kws_ref_model_float32 is refused: its CONV_2D filters are int8 (a hybrid layer TFLite quantizes activations for)', () => {
    const bytes = new Uint8Array(readFileSync(join(MODELS_DIR, 'mlperf-tiny-float', 'kws_ref_model_float32.tflite')));
    let error: unknown;
    try {
      readTflite(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TinyforgeError);
    expect((error as TinyforgeError).code).toBe('E_UNSUPPORTED');
    expect((error as TinyforgeError).message).toMatch(/CONV_2D \(node 0\).*filter is int8 on a float32 op/);
  });
});
