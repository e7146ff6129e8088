// depthwise.c's ring path (dwconv2d_s8_inplace_channel_ring, 3x3 over rows of 8+ pixels) with channels whose
// requantization has no tf_rq form: shift -1 and 0 (multipliers >= 0.25, what a batch-norm fold gives a pruned
// layer it normalises back up) and an all-zero filter (a pruned channel; the quantizer gives it the layer's
// largest scale). Each used to send the whole layer to the portable path (2x the instructions of DS-CNN's
// first depthwise after 70% pruning and BN fine-tuning); now those channels' rows requantize in C
// (dwr_row_gen) and a zero filter is its constant. Output: identical to the reference on QEMU's Cortex-M4F
// (the planned model); and the layer's instructions stay within 1.35x of the same
// layer with every shift <= -2 (the portable path is about 2x). Instruction counts are exact on QEMU (icount). Biases
// past the doubled-accumulator form's bound (dw_rqd_form: 2 v must not wrap int32) take the plain path too.
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { lowerSchedule } from '../../src/schedule/abi/lower.js';
import { prepareQemu, QEMU_BOARDS } from '../../src/cli/engines/qemu.js';
import { rng, randomInputs, runDefault, singleOpGraph } from '../plan/overlap-harness.js';
import { haveTools } from './toolchain.js';

const IN_SCALE = 0.02;
const OUT_SCALE = 0.03;
const C = 8;
/** A filter scale giving the channel the effective multiplier in * filter / out = e. */
const filterFor = (e: number) => (e * OUT_SCALE) / IN_SCALE;

/** 1xHxHx8 -> 3x3 depthwise, SAME: per channel the effective multiplier, `zero` channels' filters all zero. */
function ringLayer(effective: number[], zero: number[], seed: number, bias: Record<number, number> = {}, H = 14): Graph {
  const r = rng(seed);
  const values = r.ints(9 * C, -127, 127).map((v, i) => (zero.includes(i % C) ? 0 : v));
  const biases = r.ints(C, -3000, 3000).map((v, c) => bias[c] ?? v);
  return singleOpGraph('DEPTHWISE_CONV_2D', { stride: [1, 1], dilation: [1, 1], pad: { top: 1, bottom: 1, left: 1, right: 1 }, clamp: [-128, 127], depthMultiplier: 1 }, [
    { shape: [1, H, H, C], scale: IN_SCALE, zp: -128 },
    { shape: [1, 3, 3, C], scale: effective.map(filterFor), axis: 3, values },
    { shape: [C], dtype: 'int32', scale: effective.map((e) => filterFor(e) * IN_SCALE), values: biases },
  ], { shape: [1, H, H, C], scale: OUT_SCALE, zp: -128 });
}

// shifts (QuantizeMultiplier's): 0.375 -> -1, 0.75 -> 0, 0.6 -> 0 (channel 2 all zero), the rest -3 .. -6
const MIXED = ringLayer([0.375, 0.75, 0.6, 0.1, 0.05, 0.02, 0.1, 0.01], [2], 7);
const PLAIN = ringLayer([0.2, 0.1, 0.15, 0.1, 0.05, 0.02, 0.1, 0.01], [], 7);
// biases near the doubled form's bound (|bias| + 255 * 128 * 9 < 2^30: dw_rqd_form), both signs: channels 1 and 5
// past it (2 v would wrap int32: 127 read as -128), 3 and 7 inside it; multipliers 3e-7 (shift -21) and 1e-7 (shift -23,
// the doubled form's last with an int8 output offset)
const BIG = ringLayer([0.2, 3e-7, 0.15, 3e-7, 0.05, 3e-7, 0.1, 1e-7], [], 7, { 1: 2 ** 30 - 5000, 3: 2 ** 30 - 400_000, 5: -(2 ** 30) + 5000, 7: 2 ** 30 - 400_000 });

const cases = [['mixed shifts and a zero filter', MIXED], ['every shift <= -2', PLAIN], ['biases near 2^30', BIG]] as const;

// The four-channel path (dw4: a lone layer's default variant, dwconv2d_s8_3x3 on a 5x5 plane, border pixels included): every channel on the doubled form or a constant, so the layer
// stays off the portable path: shift -1 (0.375), an all-zero filter with shift 0 (0.6), shift -23 (1e-7) and -21 (3e-7)
// with biases near the bound.
const SMALL_EDGE = ringLayer([0.375, 0.6, 1e-7, 3e-7, 0.1, 0.05, 0.02, 0.01], [1], 7, { 2: 2 ** 30 - 400_000, 3: -(2 ** 30) + 400_000 }, 5);
const SMALL_PLAIN = ringLayer([0.2, 0.1, 0.15, 0.1, 0.05, 0.02, 0.1, 0.01], [], 7, {}, 5);

/** Each case's layer on QEMU's Cortex-M4F: its output checked against the reference, its instructions. */
function runCases(list: readonly (readonly [string, Graph])[], symbol: string): number[] {
  return list.map(([name, g]) => {
    const schedule = scheduleOf(planModel(g, {}).plan);
    expect(lowerSchedule(schedule).calls.map((c) => c.symbol)).toEqual([symbol]);
    const inputs = randomInputs(g, rng(3));
    const fw = prepareQemu(schedule, QEMU_BOARDS['qemu-m4'], { profileCalls: true });
    try {
      const run = fw.run([inputs.get(0)!]);
      expect(Buffer.compare(Buffer.from(run.outputs[0]!), Buffer.from(runDefault(g, inputs))), name).toBe(0);
      return (run.details as { callInstructions: number[] }).callInstructions[0]!;
    } finally {
      fw.dispose();
    }
  });
}

const QEMU = haveTools('depthwise ring (qemu)', ['arm-none-eabi-gcc', 'arm-none-eabi-ar', 'qemu-system-arm']);

describe('depthwise ring path: channels without a tf_rq form', () => {
  it.skipIf(!QEMU)('four-channel path: shifts -1 and -23, a zero filter, biases near the bound', () => {
    const instructions = runCases([['small plane, edge channels', SMALL_EDGE], ['small plane, plain', SMALL_PLAIN]], 'dwconv2d_s8_3x3');
    console.log(`test/c/depthwise-ring-requant: small plane edge ${instructions[0]} instructions, plain ${instructions[1]}`);
    expect(instructions[0]! / instructions[1]!).toBeLessThan(1.2);
  }, 300_000);

  it.skipIf(!QEMU)('identical to the reference on the Cortex-M4F, and the layer stays on the ring path', () => {
    const instructions = runCases(cases, 'dwconv2d_s8_inplace_channel_ring');
    console.log(`test/c/depthwise-ring-requant: mixed ${instructions[0]} instructions, plain ${instructions[1]}`);
    expect(instructions[0]! / instructions[1]!).toBeLessThan(1.35);
  }, 300_000);
});
