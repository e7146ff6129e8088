// --patch auto with int16 activations (issue 15's acceptance: every golden-int16 model bit-exact in the
// default plan and with --patch auto on every engine).
// 1. The 119 TFLM goldens are single layers: nothing to tile, so --patch auto must keep the layer-by-layer
//    plan, and its Schedule must be the default one (which test/golden-int16/{reference,wasm,c} run on
//    every engine); the reference run of the --patch auto schedule is checked against TFLM here too.
// 2. A 16x8 network where tiling pays (five CONV_2D, a MAX_POOL_2D, a FULLY_CONNECTED): --patch auto
//    must choose a patch plan, and it must give the layer-by-layer reference output on the reference,
//    wasm (SIMD and scalar), host C (ASan+UBSan) and qemu-m4 engines.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emitWasm, instantiateEmitted, runLoaded } from '../../codegen/wasm/index.js';
import { prepareHostC } from '../../src/cli/engines/c.js';
import { prepareQemu, QEMU_BOARDS } from '../../src/cli/engines/qemu.js';
import { readTflite } from '../../src/import/tflite/index.js';
import { writeTflite } from '../../src/import/tflite/write.js';
import type { DType, Graph, Tensor } from '../../src/ir/graph.js';
import { loadKernelLibrary } from '../../src/package-asset.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { runSchedule } from '../../src/reference/execute.js';
import { runReference } from '../../src/reference/interpreter.js';
import { haveTools } from '../c/toolchain.js';
import { goldenInt16Models, int16Inputs, int16Outputs } from '../helpers/shared.js';

const models = goldenInt16Models();

describe.skipIf(models.length === 0)('--patch auto on the TFLM 16x8 goldens', () => {
  it('keeps every model layer by layer with the default schedule, and the reference run is bit-exact', () => {
    const failures: string[] = [];
    for (const g of models) {
      const graph = readTflite(new Uint8Array(readFileSync(g.modelPath)));
      const auto = planModel(graph, { patch: 'auto' });
      expect(auto.patch, g.name).toBeNull();
      const schedule = scheduleOf(auto.plan);
      expect(schedule, g.name).toEqual(scheduleOf(planModel(graph).plan));
      const got = runSchedule(schedule, int16Inputs(g)).outputs;
      if (got.some((o, i) => Buffer.compare(o, int16Outputs(g)[i]!) !== 0)) failures.push(g.name);
    }
    expect(failures).toEqual([]);
  });
});

/** A seeded 16x8 network: 48x48x4 int16 input, CONV_2D x5 (two of stride 2), MAX_POOL_2D, FULLY_CONNECTED. */
function network16(): Graph {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const tensors: Tensor[] = [];
  const ops: Graph['ops'] = [];
  const tensor = (shape: number[], dtype: DType, scales: number[] | null, data: Uint8Array | null): number => {
    const quant = scales ? { scales: scales.map(Math.fround), zeroPoints: scales.map(() => 0), axis: 0 } : null;
    tensors.push({ id: tensors.length, name: `t${tensors.length}`, shape, shapeSignature: null, dtype, quant, data, isVariable: false });
    return tensors.length - 1;
  };
  const int8s = (n: number) => new Uint8Array(Int8Array.from({ length: n }, () => Math.floor(rnd() * 255) - 127).buffer);
  const int64s = (n: number) => new Uint8Array(BigInt64Array.from({ length: n }, () => BigInt(Math.floor(rnd() * 20000) - 10000)).buffer);
  const input = tensor([1, 48, 48, 4], 'int16', [0.001], null);
  let x = input, c = 4, h = 48;
  for (const [oc, s] of [[16, 1], [16, 2], [16, 1], [16, 2], [8, 1]] as const) {
    const ws = Array.from({ length: oc }, () => 0.01 + rnd() * 0.01);
    const f = tensor([oc, 3, 3, c], 'int8', ws, int8s(oc * 9 * c));
    const b = tensor([oc], 'int64', ws.map((w) => w * 0.001), int64s(oc));
    h = Math.ceil(h / s);
    const y = tensor([1, h, h, oc], 'int16', [0.001], null);
    const pad = s === 1 ? { top: 1, bottom: 1, left: 1, right: 1 } : { top: 0, bottom: 1, left: 0, right: 1 };
    ops.push({ kind: 'CONV_2D', version: 3, inputs: [x, f, b], outputs: [y], attrs: { stride: [s, s], dilation: [1, 1], pad, clamp: [0, 32767] }, params: null } as never);
    x = y;
    c = oc;
  }
  const pooled = tensor([1, h / 2, h / 2, c], 'int16', [0.001], null);
  ops.push({ kind: 'MAX_POOL_2D', version: 3, inputs: [x], outputs: [pooled], attrs: { filter: [2, 2], stride: [2, 2], pad: { top: 0, bottom: 0, left: 0, right: 0 }, clamp: [-32768, 32767] }, params: null } as never);
  const depth = (h / 2) * (h / 2) * c;
  const w = tensor([10, depth], 'int8', [0.01], int8s(10 * depth));
  const out = tensor([1, 10], 'int16', [0.01], null);
  ops.push({ kind: 'FULLY_CONNECTED', version: 6, inputs: [pooled, w], outputs: [out], attrs: { clamp: [-32768, 32767], keepNumDims: false }, params: null } as never);
  return { name: 'net16', description: '16x8 chain', tensors, ops, inputs: [input], outputs: [out], metadata: [], signatureDefs: [] };
}

const hostOk = haveTools('int16 --patch auto (host C)', ['gcc', 'ar']);
const qemuOk = haveTools('int16 --patch auto (qemu)', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'arm-none-eabi-size', 'qemu-system-arm']);

describe('--patch auto on a 16x8 network', () => {
  const graph = readTflite(writeTflite(network16()));
  let seed = 11;
  const input = new Uint8Array(Int16Array.from({ length: 48 * 48 * 4 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) % 65536 - 32768).buffer);
  const want = runReference(graph, [input]).outputs[0]!;

  it('chooses a patch plan that beats layer by layer; reference, wasm (SIMD, scalar), host C and qemu-m4 equal the layer-by-layer output', async () => {
    expect(new Int16Array(want.buffer, want.byteOffset, 10).some((v) => v !== 0)).toBe(true);
    const planned = planModel(graph, { patch: 'auto', backend: 'wasm' });
    expect(planned.patch).not.toBeNull();
    expect(planned.plan.arenaBytes).toBeLessThan(planned.layerByLayerBytes!);
    const schedule = scheduleOf(planned.plan);
    const runs: Record<string, Uint8Array> = { reference: runSchedule(schedule, [input]).outputs[0]! };
    for (const simd of [true, false]) {
      runs[simd ? 'wasm' : 'scalar'] = runLoaded(await instantiateEmitted(emitWasm(schedule, { library: await loadKernelLibrary(simd), simd })), [input])[0]!;
    }
    const cSchedule = scheduleOf(planModel(graph, { patch: 'auto' }).plan);
    if (hostOk) {
      const prepared = prepareHostC(cSchedule, { sanitize: true, timeoutMs: 120_000 });
      try {
        runs.c = prepared.run([input]).outputs[0]!;
      } finally {
        prepared.dispose();
      }
    }
    if (qemuOk) {
      const prepared = prepareQemu(cSchedule, QEMU_BOARDS['qemu-m4']);
      try {
        runs['qemu-m4'] = prepared.run([input]).outputs[0]!;
      } finally {
        prepared.dispose();
      }
    }
    for (const [engine, got] of Object.entries(runs)) expect([engine, Buffer.compare(got, want)]).toEqual([engine, 0]);
  }, 600_000);
});
