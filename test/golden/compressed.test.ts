// TFLM's LUT-compressed models (../shared/golden-compressed: kws 4/2-bit, vww 4-bit), in the older
// COMPRESSION_METADATA format and the current DECODE-operator format, and their snapped int8 twins:
// every output byte equals TFLM's on every input set, and every intermediate of input set 0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitWasm, instantiateEmitted, runLoaded, validateWasm } from '../../codegen/wasm/index.js';
import { prepareHostC } from '../../src/cli/engines/c.js';
import { prepareQemu, QEMU_BOARDS } from '../../src/cli/engines/qemu.js';
import { readTflite } from '../../src/import/tflite/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { runReference } from '../../src/reference/interpreter.js';
import { haveTools } from '../c/toolchain.js';
import { describeMismatch, firstMismatch } from '../helpers/golden-diff.js';
import { compressedGoldenModels, goldenInputs, goldenIntermediates, goldenOutputs, haveCompressedGolden, REPO_ROOT, type GoldenModel } from '../helpers/shared.js';

const models = haveCompressedGolden() ? compressedGoldenModels() : [];
const hostOk = models.length > 0 && haveTools('LUT-compressed golden (host C)', ['gcc', 'ar']);
const qemuOk = models.length > 0 && haveTools('LUT-compressed golden (qemu)', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'arm-none-eabi-size', 'qemu-system-arm']);
const library = (target: 'simd' | 'scalar') => new Uint8Array(readFileSync(join(REPO_ROOT, 'build', `kernels.${target}.wasm`)));

function check(g: GoldenModel, label: string, k: number, got: Uint8Array[]) {
  const want = goldenOutputs(g, k);
  expect(got.length).toBe(want.length);
  got.forEach((o, i) => expect(Buffer.compare(o, want[i]!), `${g.name} ${label} set ${k} output ${i}`).toBe(0));
}

const load = (g: GoldenModel) => readTflite(new Uint8Array(readFileSync(g.modelPath)));

describe.skipIf(models.length === 0)('reference interpreter vs TFLite Micro on LUT-compressed models', () => {
  it('covers three models in both formats and their snapped twins', () => {
    expect(models.length).toBe(9);
  });

  for (const g of models) {
    it(`${g.name}: all ${g.manifest.num_input_sets} input sets and input set 0's intermediates bit-exact`, () => {
      const graph = readTflite(new Uint8Array(readFileSync(g.modelPath)));
      if (!g.name.endsWith('(snapped)')) expect(graph.ops.some((op) => op.kind === 'DECODE')).toBe(true);
      for (let k = 0; k < g.manifest.num_input_sets; k++) {
        const got = runReference(graph, goldenInputs(g, k)).outputs;
        const want = goldenOutputs(g, k);
        expect(got.length).toBe(want.length);
        got.forEach((o, i) => expect(Buffer.compare(o, want[i]!), `input set ${k} output ${i}`).toBe(0));
      }
      const intermediates = goldenIntermediates(g);
      expect(intermediates.size).toBeGreaterThan(10);
      const m = firstMismatch(graph, goldenInputs(g, 0), intermediates);
      expect(m === null ? null : describeMismatch(m)).toBeNull();
    });
  }
});

describe.skipIf(models.length === 0)('compiled wasm on LUT-compressed models vs TFLite Micro', () => {
  for (const g of models) {
    for (const target of ['simd', 'scalar'] as const) {
      it(`${g.name} (${target}): bit-exact on every input set`, async () => {
        const emitted = emitWasm(scheduleOf(planModel(load(g), { backend: 'wasm' }).plan), { library: library(target), simd: target === 'simd' });
        await validateWasm(emitted.wasm);
        const model = await instantiateEmitted(emitted);
        for (let k = 0; k < g.manifest.num_input_sets; k++) check(g, target, k, runLoaded(model, goldenInputs(g, k)));
      });
    }
  }
});

/** The graph with every intermediate TFLM gives that an op other than DECODE computes as an extra output (kept live to the end). */
function withIntermediates(graph: Graph, intermediates: Map<number, Uint8Array>): { graph: Graph; ids: number[] } {
  const computed = new Set(graph.ops.filter((op) => op.kind !== 'DECODE').flatMap((op) => op.outputs));
  const ids = [...intermediates.keys()].filter((id) => computed.has(id) && !graph.outputs.includes(id));
  return { graph: { ...graph, outputs: [...graph.outputs, ...ids] }, ids };
}

describe.skipIf(models.length === 0)('compiled wasm, LUT weights read at each invoke and decoded at load, on LUT-compressed models vs TFLite Micro', () => {
  for (const g of models.filter((m) => !m.name.endsWith('(snapped)'))) {
    for (const lutAtLoad of [false, true]) {
      it(`${g.name} (${lutAtLoad ? 'decoded at load' : 'read at each invoke'}): every input set, and input set 0's intermediates`, async () => {
        const plain = load(g);
        const intermediates = goldenIntermediates(g);
        const { graph, ids } = withIntermediates(plain, intermediates);
        expect(ids.length).toBeGreaterThan(10);
        for (const target of ['simd', 'scalar'] as const) {
          const emitted = emitWasm(scheduleOf(planModel(graph, { backend: 'wasm', lutAtLoad }).plan), { library: library(target), simd: target === 'simd' });
          // at each invoke: no decoded copy in the module, a decode call into the workspace before some kernel
          expect(emitted.lowered.decodedLutBytes === 0, `${target} decoded copy ${emitted.lowered.decodedLutBytes} B`).toBe(!lutAtLoad);
          expect(emitted.lowered.calls.some((c) => c.symbol === 'decode_lut_s8')).toBe(!lutAtLoad);
          const model = await instantiateEmitted(emitted);
          for (let k = 0; k < g.manifest.num_input_sets; k++) {
            const got = runLoaded(model, goldenInputs(g, k));
            check(g, `${target} at-load ${lutAtLoad}`, k, got.slice(0, plain.outputs.length));
            if (k === 0) ids.forEach((id, i) => expect(Buffer.compare(got[plain.outputs.length + i]!, intermediates.get(id)!), `${target} intermediate tensor ${id}`).toBe(0));
          }
        }
      });
    }
  }
});

describe.skipIf(!hostOk)('generated C (host, gcc -fsanitize=address,undefined) on LUT-compressed models vs TFLite Micro', () => {
  for (const g of models) {
    it(`${g.name}: bit-exact on every input set`, () => {
      const prepared = prepareHostC(scheduleOf(planModel(load(g)).plan), { sanitize: true });
      try {
        for (let k = 0; k < g.manifest.num_input_sets; k++) check(g, 'host C', k, prepared.run(goldenInputs(g, k)).outputs);
      } finally {
        prepared.dispose();
      }
    }, 300_000);
  }
});

describe.skipIf(!qemuOk)('generated C on QEMU mps2-an386 (Cortex-M4F) on LUT-compressed models vs TFLite Micro', () => {
  for (const g of models) {
    it(`${g.name}: bit-exact on every input set`, () => {
      const prepared = prepareQemu(scheduleOf(planModel(load(g)).plan), QEMU_BOARDS['qemu-m4']);
      try {
        for (let k = 0; k < g.manifest.num_input_sets; k++) {
          const run = prepared.run(goldenInputs(g, k));
          check(g, 'qemu-m4', k, run.outputs);
          if (k === 0) {
            const d = run.details;
            console.log(`qemu-m4 ${g.name}: ${d.instructionsPerInference} insns, arena ${d.arenaBytes} B, flash ${d.flashBytes} B`);
          }
        }
      } finally {
        prepared.dispose();
      }
    }, 600_000);
  }
});
