// The wasm benchmark's Node stand-in for @tensorflow/tfjs-tflite: it loads the peer's single-thread SIMD
// build from node_modules and runs a shared model. (Nothing here is timed; bench/ measures.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTfliteNodeModel, loadTfliteRuntime } from '../../bench/tfjs-tflite-node.js';
import { GOLDEN_DIR, MODELS_DIR, haveShared } from '../helpers/shared.js';

describe.runIf(haveShared())('tfjs-tflite in Node (bench stand-in)', () => {
  it('loads the single-thread SIMD build and runs hello_world_int8 to a finite output', async () => {
    const { info } = await loadTfliteRuntime();
    expect(info.build).toBe('tflite_web_api_cc_simd');
    expect(info.version).toBe('0.0.1-alpha.10');
    for (const name of ['self', 'importScripts', 'location']) expect(name in globalThis).toBe(false);

    const model = await loadTfliteNodeModel(new Uint8Array(readFileSync(join(MODELS_DIR, 'tflm/hello_world_int8.tflite'))));
    expect(model.inputs.map((t) => [t.dtype, t.shape])).toEqual([['int8', [1, 1]]]);
    model.setInput(0, new Uint8Array(readFileSync(join(GOLDEN_DIR, 'hello_world_int8/input_0.bin'))));
    model.invoke();
    const [out] = model.readOutputs();
    expect(out).toHaveLength(1);
    const value = new Int8Array(out!.buffer)[0]!;
    expect(Number.isFinite(value)).toBe(true);
    // TFLM's output for this input (tfjs-tflite happens to agree on hello_world).
    expect(out).toEqual(new Uint8Array(readFileSync(join(GOLDEN_DIR, 'hello_world_int8/output_0.bin'))));
    model.dispose();
  });
});
