// `inspect` lists every op we cannot run yet (issue 15's acceptance), found by the check compile makes:
// an op that loads but has no kernel is listed with the same refusal compile throws; an op whose params
// the importer refuses is listed with the importer's refusal; models we run list none.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TinyforgeError } from '../../src/errors.js';
import { readTflite, writeTflite } from '../../src/import/tflite/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { compileModel } from '../../src/pipeline.js';
import { listingDerive, opsWeCannotRun } from '../../src/report/runnable.js';
import { cli } from '../helpers/cli.js';
import { goldenInt16Models, goldenModels, haveShared } from '../helpers/shared.js';
import { singleOpGraph } from '../plan/overlap-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tinyforge-inspect-runnable-'));

/** An int32 MAXIMUM: it loads (TFLM's Eval takes int32; the reference kernel runs it); no wasm or C kernel takes int32. */
function int32Maximum(): Graph {
  const t = { shape: [1, 4], dtype: 'int32' as const, scale: 0.01 };
  return singleOpGraph('MAXIMUM', {}, [t, t], t);
}

/** A float32 ADD: it loads and runs on the reference engine; the wasm and C kernels are int8/int16 only. */
function floatAdd(): Graph {
  return singleOpGraph('ADD', { clamp: [-3.4028234663852886e38, 3.4028234663852886e38] }, [{ shape: [1, 4], dtype: 'float32' }, { shape: [1, 4], dtype: 'float32' }], { shape: [1, 4], dtype: 'float32' });
}

/** A hybrid FULLY_CONNECTED (float32 input, int8 weights): TFLM has no kernel, our params derivation refuses it at load. */
function hybridFcFile(): Uint8Array {
  const g = singleOpGraph('FULLY_CONNECTED', { clamp: [-3.4028234663852886e38, 3.4028234663852886e38], keepNumDims: false },
    [{ shape: [1, 4], dtype: 'float32' }, { shape: [2, 4], dtype: 'float32', values: [1, 2, 3, 4, 5, 6, 7, 8] }, null], { shape: [1, 2], dtype: 'float32' });
  const filter = g.tensors[1]!;
  g.tensors[1] = { ...filter, dtype: 'int8', data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), quant: { scales: [0.1], zeroPoints: [0], axis: 0 } };
  return writeTflite(g);
}

async function compileRefusal(graph: Graph): Promise<string> {
  try {
    await compileModel(graph, { target: 'c' });
  } catch (e) {
    if (e instanceof TinyforgeError) return e.message;
    throw e;
  }
  throw new Error('compile took the model');
}

function refusalOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof TinyforgeError) return e.message;
    throw e;
  }
  throw new Error('no refusal');
}

async function inspectJson(file: Uint8Array, name: string): Promise<{ unsupported: Array<{ subgraph: number; node: number; op: string; version: number; reason: string }> }> {
  const path = join(dir, name);
  writeFileSync(path, file);
  const r = await cli('inspect', path, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as never;
}

describe('inspect lists the ops compile refuses, with compile\'s reason', () => {
  it('an int32 MAXIMUM (loads, no kernel): node 0 with the refusal compile throws', async () => {
    const file = writeTflite(int32Maximum());
    const reason = await compileRefusal(readTflite(file));
    expect(reason).toMatch(/^MAXIMUM \(op 0\): no kernel maximum_s32/);
    expect((await inspectJson(file, 'max32.tflite')).unsupported).toEqual([{ subgraph: 0, node: 0, op: 'MAXIMUM', version: 1, reason }]);
    const text = await cli('inspect', join(dir, 'max32.tflite'));
    expect(text.stdout).toMatch(/\n  subgraph 0  node 0  MAXIMUM v1  MAXIMUM \(op 0\): no kernel maximum_s32 .*\n1 operator\(s\) we cannot run yet\n/);
  });

  it('a float32 op: listed with compile\'s "quantize it first"', async () => {
    const file = writeTflite(floatAdd());
    const reason = await compileRefusal(readTflite(file));
    expect(reason).toMatch(/^ADD \(op 0\) computes in float32/);
    expect((await inspectJson(file, 'float-add.tflite')).unsupported).toEqual([{ subgraph: 0, node: 0, op: 'ADD', version: 1, reason }]);
  });

  it('an op the importer\'s params check refuses: the model still inspects, the op listed with the load refusal', async () => {
    const file = hybridFcFile();
    const reason = refusalOf(() => readTflite(file));
    expect(reason).toMatch(/hybrid/);
    expect((await inspectJson(file, 'hybrid.tflite')).unsupported).toEqual([{ subgraph: 0, node: 0, op: 'FULLY_CONNECTED', version: 1, reason }]);
    const text = await cli('inspect', join(dir, 'hybrid.tflite'));
    expect(text.stdout).toMatch(/subgraph 0 +node 0 +FULLY_CONNECTED v1 +FULLY_CONNECTED .*hybrid.*\n1 operator\(s\) we cannot run yet\n/);
  });

  it('a model we run lists none', async () => {
    const t = { shape: [1, 4], scale: 0.01 };
    const g = singleOpGraph('MAXIMUM', {}, [t, t], t);
    expect((await inspectJson(writeTflite(g), 'ok.tflite')).unsupported).toEqual([]);
  });
});

describe.runIf(haveShared())('every golden model (int8 and 16x8) lists none', () => {
  const models = [...goldenModels(), ...goldenInt16Models()];
  it.each(models.map((m) => [m.name, m.modelPath]))('%s', (_, path) => {
    const { derive, refused } = listingDerive();
    const graph = readTflite(new Uint8Array(readFileSync(path)), derive);
    expect(opsWeCannotRun(graph, refused)).toEqual([]);
  });
});
