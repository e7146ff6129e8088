// fuseDecode: a DECODE feeding only a FULLY_CONNECTED's, CONV_2D's or DEPTHWISE_CONV_2D's weights becomes that op's
// LUT-stored filter; the kernels decode it (or four units at a time) into planned workspace, bit-exact with the snapped int8 model, and
// the decoded weights leave the arena (a clustered LeNet then fits the 256 KiB qemu-m4 board).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emitC } from '../../codegen/c/emit.js';
import { emitWasm, instantiateEmitted, runLoaded } from '../../codegen/wasm/index.js';
import { wasmRecordFields } from '../../codegen/wasm/abi/records.js';
import { prepareHostC } from '../../src/cli/engines/c.js';
import { prepareQemu, QEMU_BOARDS } from '../../src/cli/engines/qemu.js';
import { syntheticInputBytes, mixSeed } from '../../src/builder/random.js';
import { readTflite, writeTflite } from '../../src/import/tflite/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { decodeLut } from '../../src/ir/lut.js';
import { graphWeightBytes } from '../../src/ir/macs.js';
import { fuseDecode } from '../../src/passes/index.js';
import { C_CONV_LUT_BYTES, FC_LUT_ROWS } from '../../src/ir/workspace.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { applyClusters, clusterWeights, snappedGraph } from '../../src/quantize/cluster.js';
import { quantizeModel } from '../../src/quantize/index.js';
import { runReference } from '../../src/reference/interpreter.js';
import { lowerSchedule } from '../../src/schedule/abi/lower.js';
import { buildArch } from '../../src/train/arch/named.js';
import { haveTools } from '../c/toolchain.js';
import { compressedGoldenModels, goldenInputs, haveCompressedGolden, REPO_ROOT } from '../helpers/shared.js';

const golden = haveCompressedGolden() ? compressedGoldenModels().filter((g) => g.name.includes('(decode op)')) : [];
const load = (path: string) => readTflite(new Uint8Array(readFileSync(path)));
/** The snapped int8 twin of a golden DECODE-format model (../shared/golden-compressed README). */
const snappedPathOf = (path: string) => path.replace('/decode_op_format/', '/').replace(/\.lut(\d)\.decode_op\.tflite$/, '.snapped_lut$1.tflite');
const same = (a: Uint8Array[], b: Uint8Array[]) => a.length === b.length && a.every((o, i) => Buffer.compare(o, b[i]!) === 0);
const qemuOk = haveTools('fuseDecode on qemu-m4', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'arm-none-eabi-size', 'qemu-system-arm']);
const hostOk = haveTools('fuseDecode on host C', ['gcc', 'ar']);

describe.skipIf(golden.length === 0)('fuseDecode on TFLM\'s DECODE-format models', () => {
  for (const g of golden) {
    it(`${g.name}: folds the DECODEs of FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D weights, keeps the stored bytes and the outputs`, () => {
      const graph = load(g.modelPath);
      const fused = fuseDecode(graph);
      const decodes = graph.ops.filter((o) => o.kind === 'DECODE');
      const readerOf = (d: (typeof decodes)[number]) => graph.ops.find((o) => o.inputs.includes(d.outputs[0]!))!;
      const folded = decodes.filter((d) => ['FULLY_CONNECTED', 'CONV_2D', 'DEPTHWISE_CONV_2D'].includes(readerOf(d).kind));
      // every DECODE of these fixtures feeds one of them: none is left (depthwise tables run along the last axis)
      expect(folded.length).toBe(decodes.length);
      expect(folded.length).toBeGreaterThan(1);
      expect(fused.ops.filter((o) => o.kind === 'DECODE').length).toBe(decodes.length - folded.length);
      for (const decode of folded) {
        const filter = fused.tensors[decode.outputs[0]!]!;
        // the file's packed indices and tables as they are; the decoded values for the reference
        expect(filter.lut!.packed).toBe(graph.tensors[decode.inputs[0]!]!.data);
        expect(filter.lut!.ancillary).toBe(graph.tensors[decode.inputs[1]!]!.data);
        const values = new Int8Array(filter.data!.length);
        decodeLut(filter.lut!.packed, filter.lut!.ancillary, decode.attrs, values);
        expect(Buffer.compare(filter.data!, new Uint8Array(values.buffer))).toBe(0);
      }
      // flash counts what is stored: the same bytes as the DECODE's constant inputs
      expect(graphWeightBytes(fused)).toBe(graphWeightBytes(graph));
      for (let k = 0; k < g.manifest.num_input_sets; k++) {
        expect(same(runReference(fused, goldenInputs(g, k)).outputs, runReference(graph, goldenInputs(g, k)).outputs), `input set ${k}`).toBe(true);
      }
      // the C lowering calls the LUT kernels and never stores the decoded weights
      const planned = planModel(graph);
      const lowered = lowerSchedule(scheduleOf(planned.plan));
      const convs = folded.filter((d) => readerOf(d).kind === 'CONV_2D').length;
      const depthwise = folded.filter((d) => readerOf(d).kind === 'DEPTHWISE_CONV_2D').length;
      expect(depthwise).toBeGreaterThan(0);
      expect(lowered.calls.filter((c) => c.symbol === 'fully_connected_lut_s8').length).toBe(1);
      expect(lowered.calls.filter((c) => /^conv2d_lut_s8/.test(c.symbol)).length).toBe(convs);
      expect(lowered.calls.filter((c) => /^dwconv2d_lut_s8/.test(c.symbol)).length).toBe(depthwise);
      // the compiled C ships the files of the kernels the LUT kernels run on the decoded filter
      expect(emitC(scheduleOf(planned.plan)).kernelFiles).toEqual(expect.arrayContaining(['conv_lut.c', 'conv.c', 'dw_lut.c', 'depthwise.c']));
      expect(lowered.calls.filter((c) => c.symbol === 'decode_lut_s8').length).toBe(decodes.length - folded.length);
      const unfusedPlan = planModel(graph, { fuseDecode: false });
      const unfused = lowerSchedule(scheduleOf(unfusedPlan.plan));
      expect(lowered.constants.length).toBeLessThanOrEqual(unfused.constants.length);
      // the conv filters leave the arena: at most one C_CONV_LUT_BYTES block more than the snapped int8 model's
      expect(planned.plan.arenaBytes).toBeLessThanOrEqual(unfusedPlan.plan.arenaBytes);
      const snapped = load(snappedPathOf(g.modelPath));
      expect(planned.plan.arenaBytes).toBeLessThanOrEqual(planModel(snapped).plan.arenaBytes + C_CONV_LUT_BYTES);
    });
  }

  for (const g of golden) {
    it(`${g.name}: wasm by default (lutAtLoad) decodes every LUT constant once at the first invoke and runs the plain kernels on it; the module ships the packed bytes`, async () => {
      const graph = load(g.modelPath);
      const luts = graph.ops.filter((o) => o.kind === 'DECODE').length;
      const fused = fuseDecode(graph, 'any');
      expect(fused.ops.filter((o) => o.kind === 'DECODE')).toEqual([]);
      const library = new Uint8Array(readFileSync(`${REPO_ROOT}/build/kernels.simd.wasm`));
      const emitted = emitWasm(scheduleOf(planModel(graph, { backend: 'wasm' }).plan), { library, simd: true });
      const { lowered } = emitted;
      expect(lowered.prepare.filter((p) => p.symbol === 'decode_lut_s8').length).toBe(luts);
      expect(lowered.calls.filter((c) => /decode|lut/.test(c.symbol))).toEqual([]);
      // every convolution has its requantization table (the wasm fast paths), none packed from the decoded values
      const fields = (c: (typeof lowered.calls)[number], name: string) => {
        const record = c.symbol.startsWith('conv2d') ? 'conv2d' : 'dwconv2d';
        return new Int32Array(lowered.constants.buffer, lowered.constants.byteOffset + c.record)[wasmRecordFields(record).find((f) => f.name === name)!.index]!;
      };
      const convs = lowered.calls.filter((c) => /^(conv2d|dwconv2d)_s8/.test(c.symbol));
      expect(convs.length).toBeGreaterThan(0);
      for (const c of convs) expect(fields(c, 'qparams'), c.symbol).not.toBe(0);
      for (const c of convs.filter((c) => c.symbol.startsWith('conv2d'))) expect(fields(c, 'packed'), c.symbol).toBe(0);
      // the data segment holds the packed indices and tables: smaller than the snapped model's by most of the saved weight bytes
      const snapped = load(snappedPathOf(g.modelPath));
      const plain = emitWasm(scheduleOf(planModel(snapped, { backend: 'wasm' }).plan), { library, simd: true });
      expect(emitted.dataSectionBytes).toBeLessThan(plain.dataSectionBytes);
      const model = await instantiateEmitted(emitted);
      for (let k = 0; k < g.manifest.num_input_sets; k++) {
        expect(same(runLoaded(model, goldenInputs(g, k)), runReference(snapped, goldenInputs(g, k)).outputs), `input set ${k}`).toBe(true);
      }
    });

    it(`${g.name}: wasm with lutAtLoad false reads every LUT constant at each invoke (filters decoded into the planned workspace): no decoded copy, less memory than decoding at load`, async () => {
      const graph = load(g.modelPath);
      const library = new Uint8Array(readFileSync(`${REPO_ROOT}/build/kernels.simd.wasm`));
      const emitted = emitWasm(scheduleOf(planModel(graph, { backend: 'wasm', lutAtLoad: false }).plan), { library, simd: true });
      const atLoad = emitWasm(scheduleOf(planModel(graph, { backend: 'wasm', lutAtLoad: true }).plan), { library, simd: true });
      const { lowered } = emitted;
      expect(lowered.prepare.filter((p) => p.symbol === 'decode_lut_s8')).toEqual([]);
      expect(lowered.decodedLutBytes).toBe(0);
      expect(atLoad.lowered.decodedLutBytes).toBeGreaterThan(0);
      // each decode call writes the next call's filter into that call's workspace, then the plain kernel runs on it
      const words = (c: (typeof lowered.calls)[number], record: Parameters<typeof wasmRecordFields>[0]) => {
        const view = new Int32Array(lowered.constants.buffer, lowered.constants.byteOffset + c.record);
        return (name: string) => view[wasmRecordFields(record).find((f) => f.name === name)!.index]!;
      };
      const decodes = lowered.calls.flatMap((c, i) => (c.symbol === 'decode_lut_s8' ? [i] : []));
      expect(decodes.length).toBeGreaterThan(0);
      for (const i of decodes) {
        const next = lowered.calls[i + 1]!;
        const record = next.symbol.startsWith('conv2d') ? 'conv2d' : 'dwconv2d';
        expect(next.symbol).toMatch(/^(conv2d|dwconv2d)_s8/);
        expect(words(lowered.calls[i]!, 'decode_lut')('output')).toBe(words(next, record)('filter'));
        expect(words(next, record)('workspace')).toBeGreaterThan(words(next, record)('filter'));
      }
      // the module's memory: the arena (with the workspace) and the packed constants, below the copy decoded at load
      expect(emitted.layout.memoryBytes).toBeLessThan(atLoad.layout.memoryBytes);
      const model = await instantiateEmitted(emitted);
      const snapped = load(snappedPathOf(g.modelPath));
      for (let k = 0; k < g.manifest.num_input_sets; k++) {
        expect(same(runLoaded(model, goldenInputs(g, k)), runReference(snapped, goldenInputs(g, k)).outputs), `input set ${k}`).toBe(true);
      }
    });
  }

  it('leaves a DECODE whose output is also read elsewhere, is a model output, or is not the weights', () => {
    const graph = load(golden[0]!.modelPath);
    const fcIndex = graph.ops.findIndex((o) => o.kind === 'FULLY_CONNECTED');
    const weights = graph.ops[fcIndex]!.inputs[1]!;
    const asOutput: Graph = { ...graph, outputs: [...graph.outputs, weights] };
    const keepsDecodeOf = (g: Graph) => fuseDecode(g).ops.some((o) => o.kind === 'DECODE' && o.outputs[0] === weights);
    expect(keepsDecodeOf(graph)).toBe(false);
    expect(keepsDecodeOf(asOutput)).toBe(true);
    const readTwice: Graph = { ...graph, ops: [...graph.ops, { ...graph.ops[fcIndex]!, outputs: [graph.ops[fcIndex]!.outputs[0]!] }] };
    expect(keepsDecodeOf(readTwice)).toBe(true);
    // depthwise filters (tables along the last axis) fold in C too, as in wasm
    expect(fuseDecode(graph).ops.filter((o) => o.kind === 'DECODE')).toEqual([]);
    expect(fuseDecode(graph, 'any').ops.filter((o) => o.kind === 'DECODE')).toEqual([]);
    // a table order the reader's kernel does not take stays a DECODE: a depthwise filter's tables along axis 0
    const dwIndex = graph.ops.findIndex((o) => o.kind === 'DEPTHWISE_CONV_2D');
    const dwFilter = graph.ops[dwIndex]!.inputs[1]!;
    const axis0: Graph = { ...graph, ops: graph.ops.map((o) => (o.kind === 'DECODE' && o.outputs[0] === dwFilter ? { ...o, attrs: { ...o.attrs, channelAxisLast: false } } : o)) as Graph['ops'] };
    expect(fuseDecode(axis0).ops.filter((o) => o.kind === 'DECODE').map((o) => o.outputs[0])).toEqual([dwFilter]);
  });
});

/** An untrained LeNet (random weights), PTQ on synthetic images, clustered per channel at `bits` and written as a file. */
function clusteredLenet(bits: number): { clustered: Graph; snapped: Graph; input: Uint8Array[] } {
  const float = buildArch('lenet', { input: [28, 28, 1], classes: 10, seed: 3, width: 1 }).graph;
  const x = float.tensors[float.inputs[0]!]!;
  const calibration = Array.from({ length: 8 }, (_, k) => [syntheticInputBytes(x, mixSeed(5, k), [0, 1])]);
  const int8 = readTflite(writeTflite(quantizeModel(float, calibration, 'lenet')));
  const clusters = clusterWeights(int8, { bits, seed: 1 });
  const clustered = readTflite(writeTflite(applyClusters(int8, clusters, bits).graph));
  const input = [syntheticInputBytes(int8.tensors[int8.inputs[0]!]!, mixSeed(7, 0))];
  return { clustered, snapped: snappedGraph(int8, clusters), input };
}

describe('a clustered LeNet with its FULLY_CONNECTED weights read LUT-compressed', () => {
  const cases = [4, 2].map((bits) => ({ bits, ...clusteredLenet(bits) }));

  for (const { bits, clustered, snapped, input } of cases) {
    it(`${bits}-bit: the decoded FC weights leave the arena; reference, wasm (SIMD, scalar) and host C equal the snapped int8 model`, async () => {
      const want = runReference(snapped, input).outputs;
      expect(same(runReference(clustered, input).outputs, want)).toBe(true);
      // the plan of the snapped int8 model plus one block of decoded rows (the LUT kernel's workspace), far below DECODE's
      const fc = clustered.ops.find((o) => o.kind === 'FULLY_CONNECTED' && clustered.tensors[o.inputs[1]!]!.shape[1]! > 1000)!;
      const depth = clustered.tensors[fc.inputs[1]!]!.shape[1]!;
      const fusedArena = planModel(clustered).plan.arenaBytes;
      expect(fusedArena).toBeLessThanOrEqual(planModel(snapped).plan.arenaBytes + FC_LUT_ROWS * depth);
      expect(planModel(clustered, { fuseDecode: false }).plan.arenaBytes).toBeGreaterThan(fusedArena + 256 * 1024);
      for (const simd of [true, false]) {
        const library = new Uint8Array(readFileSync(`${REPO_ROOT}/build/kernels.${simd ? 'simd' : 'scalar'}.wasm`));
        const model = await instantiateEmitted(emitWasm(scheduleOf(planModel(clustered, { backend: 'wasm' }).plan), { library, simd }));
        expect(same(runLoaded(model, input), want), simd ? 'simd' : 'scalar').toBe(true);
      }
      // host C with its planned workspace, and with none (a TFLM plan: each weight decoded where the dot reads it)
      for (const backend of hostOk ? (['c', 'tflm'] as const) : []) {
        const prepared = prepareHostC(scheduleOf(planModel(clustered, { backend }).plan), { sanitize: true });
        try {
          expect(same(prepared.run(input).outputs, want), backend).toBe(true);
        } finally {
          prepared.dispose();
        }
      }
    }, 300_000);
  }

  it.skipIf(!qemuOk)('4-bit runs on qemu-m4 (256 KiB) bit-exact with the snapped model; the unfused plan would not fit', () => {
    const { clustered, snapped, input } = cases[0]!;
    expect(planModel(clustered, { fuseDecode: false }).plan.arenaBytes).toBeGreaterThan(256 * 1024);
    const prepared = prepareQemu(scheduleOf(planModel(clustered).plan), QEMU_BOARDS['qemu-m4']);
    try {
      const run = prepared.run(input);
      expect(same(run.outputs, runReference(snapped, input).outputs)).toBe(true);
    } finally {
      prepared.dispose();
    }
  }, 600_000);
});
