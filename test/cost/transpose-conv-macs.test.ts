// TRANSPOSE_CONV's MACs count the (input pixel, filter tap) pairs whose product lands inside the output,
// in inspect (opMacs) and in the profiler alike.
import { describe, expect, it } from 'vitest';
import { DEVICES } from '../../src/cost/devices.js';
import { profileSchedule } from '../../src/cost/profile.js';
import { opMacs, transposeConvMacs } from '../../src/ir/macs.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { transposeConvCase } from '../plan/overlap-cases.js';
import { rng } from '../plan/overlap-harness.js';

describe('TRANSPOSE_CONV MACs', () => {
  it('VALID: every tap lands (4 pixels x 9 taps x 1 x 2 channels = 72)', () => {
    expect(transposeConvMacs([1, 2, 2, 1], [1, 5, 5, 2], [2, 3, 3, 1], { stride: [2, 2], pad: { top: 0, left: 0 } })).toBe(72);
  });

  it('SAME, stride 1, pad 1 on 4x4: 3 + 4 + 3 rows by 3 + 4 + 3 columns of taps, x 2 input channels = 200', () => {
    expect(transposeConvMacs([1, 4, 4, 2], [1, 4, 4, 1], [1, 3, 3, 2], { stride: [1, 1], pad: { top: 1, left: 1 } })).toBe(200);
  });

  it('the profiler reports the same count as inspect', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const graph = transposeConvCase(rng(seed), seed % 2 ? 'int8' : 'int16');
      const p = profileSchedule(scheduleOf(planModel(graph).plan), { device: DEVICES['cortex-m4'] });
      expect(p.layers[0]!.macs).toBe(opMacs(graph, graph.ops[0]!));
      expect(p.layers[0]!.macs).toBeGreaterThan(0);
    }
  });
});
