// Every golden model through the generated C: on the host (gcc with AddressSanitizer + UBSan) and on
// QEMU's Cortex-M4F, in the default plan and with --patch auto (int8 I/O for mcunet_vww, whose float
// interface is quantized/dequantized around the run as firmware does), bit-exact with TFLite Micro.
// QEMU runs all 4 input sets on every model except mobilenet_v2 224 (input set 0 only; layer by layer it
// does not fit 256 KiB, which the budget test checks, so that run gets a 4 MiB RAM region; with --patch auto
// it runs on the 256 KiB board). Every run's measured .data+.bss + stack high-water stays within the plan's
// arena + stackBytes + staticBytes (src/cost/stack.ts) + the harness's own frames and data.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../../src/import/tflite/index.js';
import type { Graph } from '../../src/ir/graph.js';
import { planModel, scheduleOf, type PlanModelOptions } from '../../src/pipeline.js';
import { runReference } from '../../src/reference/interpreter.js';
import { prepareHostC } from '../../src/cli/engines/c.js';
import { createQemuEngine, prepareQemu, QEMU_BOARDS } from '../../src/cli/engines/qemu.js';
import { BudgetError } from '../../src/errors.js';
import { goldenInputs, goldenModels, goldenOutputs, haveShared, type GoldenModel } from '../helpers/shared.js';
import { haveTools } from './toolchain.js';

const models = haveShared() ? goldenModels() : [];
const hostOk = models.length > 0 && haveTools('C golden (host)', ['gcc', 'ar']);
const qemuOk = models.length > 0 && haveTools('C golden (qemu)', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'arm-none-eabi-size', 'qemu-system-arm']);

const BIG = 'mobilenet_v2_quantized_1x3x224x224';

interface Setting {
  label: string;
  options: PlanModelOptions;
}

function settingsFor(g: GoldenModel): Setting[] {
  const int8Io = g.name === 'mcunet_vww';
  return [
    { label: 'default plan', options: {} },
    { label: `--patch auto${int8Io ? ' --int8-io' : ''}`, options: { patch: 'auto', int8Io } },
  ];
}

/** Golden inputs/outputs in the planned graph's terms (quantized/dequantized by the model's own edge ops with --int8-io). */
function io(g: GoldenModel, source: Graph, int8Io: boolean) {
  if (!int8Io) return { inputs: (k: number) => goldenInputs(g, k), post: (o: Uint8Array[]) => o };
  const q = source.ops[0]!;
  const d = source.ops[source.ops.length - 1]!;
  const quantize = { ...source, ops: [q], outputs: [q.outputs[0]!] };
  const dequantize = { ...source, ops: [d], inputs: [d.inputs[0]!] };
  return { inputs: (k: number) => runReference(quantize, goldenInputs(g, k)).outputs, post: (o: Uint8Array[]) => runReference(dequantize, o).outputs };
}

function check(g: GoldenModel, label: string, k: number, got: Uint8Array[]) {
  const want = goldenOutputs(g, k);
  expect(got.length).toBe(want.length);
  got.forEach((o, i) => expect(Buffer.compare(o, want[i]!), `${g.name} ${label} set ${k} output ${i}`).toBe(0));
}

describe.skipIf(!hostOk)('generated C on the host (gcc -fsanitize=address,undefined) vs TFLite Micro', () => {
  for (const g of models) {
    for (const s of settingsFor(g)) {
      it(`${g.name} (${s.label}): bit-exact on every input set`, () => {
        const source = readTflite(new Uint8Array(readFileSync(g.modelPath)));
        const m = io(g, source, s.options.int8Io ?? false);
        const prepared = prepareHostC(scheduleOf(planModel(source, s.options).plan), { sanitize: true });
        try {
          for (let k = 0; k < g.manifest.num_input_sets; k++) check(g, s.label, k, m.post(prepared.run(m.inputs(k)).outputs));
        } finally {
          prepared.dispose();
        }
      }, 300_000);
    }
  }
});

describe.skipIf(!qemuOk)('generated C on QEMU mps2-an386 (Cortex-M4F) vs TFLite Micro', () => {
  for (const g of models) {
    for (const s of settingsFor(g)) {
      const big = g.name === BIG;
      it(`${g.name} (${s.label}): bit-exact on ${big ? 'input set 0' : 'every input set'}`, () => {
        const source = readTflite(new Uint8Array(readFileSync(g.modelPath)));
        const m = io(g, source, s.options.int8Io ?? false);
        const prepared = prepareQemu(scheduleOf(planModel(source, s.options).plan), QEMU_BOARDS['qemu-m4'], big && s.options.patch !== 'auto' ? { ramBytes: 4 << 20 } : {});
        try {
          const sets = big ? 1 : g.manifest.num_input_sets;
          for (let k = 0; k < sets; k++) {
            const run = prepared.run(m.inputs(k));
            check(g, s.label, k, m.post(run.outputs));
            if (k === 0) {
              const d = run.details;
              console.log(`qemu-m4 ${g.name} (${s.label}): ${d.instructionsPerInference} insns, arena ${d.arenaBytes} B, .data+.bss ${d.ramBytes} B, flash ${d.flashBytes} B, stack ${d.stackBytes} B`);
              expect(d.ramBytes as number).toBeLessThanOrEqual((d.arenaBytes as number) + 64);
              // the plan's figures (arena + stackBytes + staticBytes, plus the harness's own) bound the measured RAM
              const measured = (d.ramBytes as number) + (d.stackBytes as number);
              const planned = (d.arenaBytes as number) + (d.plannedStackBytes as number) + (d.plannedStaticBytes as number) + (d.harnessStackBytes as number) + (d.harnessStaticBytes as number);
              expect(measured, `${g.name} ${s.label}: .data+.bss ${d.ramBytes} + stack ${d.stackBytes} vs planned ${planned}`).toBeLessThanOrEqual(planned);
              expect((d.ramBytes as number) - (d.arenaBytes as number)).toBeLessThanOrEqual((d.plannedStaticBytes as number) + (d.harnessStaticBytes as number));
              expect(d.stackBytes as number).toBeLessThanOrEqual((d.plannedStackBytes as number) + (d.harnessStackBytes as number));
            }
          }
        } finally {
          prepared.dispose();
        }
      }, 600_000);
    }
  }

  it(`${BIG} does not fit 256 KiB: a BudgetError with the numbers`, async () => {
    const g = models.find((m) => m.name === BIG);
    if (!g) return;
    const graph = readTflite(new Uint8Array(readFileSync(g.modelPath)));
    const engine = createQemuEngine(QEMU_BOARDS['qemu-m4']);
    const err = await engine.run({ graph, inputs: goldenInputs(g, 0), plan: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetError);
    expect((err as BudgetError).message).toMatch(/needs \d+ bytes of RAM .* has 262144: \d+ bytes over/);
    expect((err as BudgetError).details.ramBytes).toBe(262144);
  }, 300_000);
});
