// The efficiency predictor gives exactly what `plan --json` and `profile --json` give for the same built
// model (with the same planner flags); the builder's cost-only mode builds the same graph but its ranges.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVICES } from '../../src/cost/devices.js';
import { writeTflite } from '../../src/import/tflite/index.js';
import { buildArch } from '../../src/nas/build.js';
import { EfficiencyPredictor, type PredictorOptions } from '../../src/nas/predictor.js';
import { parseSpace, type Arch } from '../../src/nas/space.js';
import { cli } from '../helpers/cli.js';
import { TINY_SPACE } from './fixtures.js';


const tmp = mkdtempSync(join(tmpdir(), 'tinyforge-nas-'));
const space = parseSpace(TINY_SPACE);
const arch: Arch = { resolution: 20, width: 0.5, stages: [[{ kernel: 5, expand: 6 }, { kernel: 3, expand: 3 }], [{ kernel: 5, expand: 3 }]] };
const options = (patch: PredictorOptions['plan']['patch']): PredictorOptions => ({
  plan: { patch },
  stackCpu: 'cortex-m4',
  reserveBytes: 0,
  device: DEVICES['cortex-m4'],
  mhz: 120,
});

describe('nas efficiency predictor', () => {
  for (const patch of ['none', 'auto'] as const) {
    it(`peak, RAM and flash equal plan --json, MACs and ms equal profile --json (--patch ${patch})`, async () => {
      const model = join(tmp, `member-${patch}.tflite`);
      writeFileSync(model, writeTflite(buildArch(space, arch)));
      const e = new EfficiencyPredictor(space, options(patch)).exact(arch);
      const plan = JSON.parse((await cli('plan', model, '--json', '--patch', patch)).stdout);
      expect(e.peakBytes).toBe(plan.peakBytes);
      expect(e.ramBytes).toBe(plan.ramBytes);
      expect(e.stackBytes).toBe(plan.stackBytes);
      expect(e.flashBytes).toBe(plan.flashBytes);
      const profile = JSON.parse((await cli('profile', model, '--json', '--patch', patch, '--mhz', '120')).stdout);
      expect(e.macs).toBe(profile.totals.macs);
      expect(e.instructions).toBe(profile.totals.instructions);
      expect(e.ms).toBeCloseTo(profile.totals.ms, 3); // the report rounds ms to 4 decimals
    });
  }

  it('caches by arch: a repeat is not built again', () => {
    const p = new EfficiencyPredictor(space, options('none'));
    const a = p.exact(arch);
    const b = p.exact(JSON.parse(JSON.stringify(arch)));
    expect(b).toBe(a);
    expect(p.evaluated).toBe(1);
  });

  it("the builder's cost-only mode (no calibration samples) builds the same ops, shapes and weights", () => {
    const calibrated = buildArch(space, arch, { calibrationSamples: 1 });
    const costOnly = buildArch(space, arch, { calibrationSamples: 0 });
    expect(costOnly.ops.map((o) => o.kind)).toEqual(calibrated.ops.map((o) => o.kind));
    expect(costOnly.tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual(calibrated.tensors.map((t) => [t.name, t.shape, t.dtype]));
    const weights = (g: typeof costOnly) => g.tensors.filter((t) => t.data && t.dtype === 'int8').map((t) => Array.from(t.data!));
    expect(weights(costOnly)).toEqual(weights(calibrated));
  });
});
