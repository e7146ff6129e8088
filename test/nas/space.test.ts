// The search space as data: its exact size, validation naming the field, archs checked against it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TinyforgeError } from '../../src/errors.js';
import { archFromKey, archKey, extremeArch, parseArch, parseSpace, spaceSize } from '../../src/nas/space.js';
import { TINY_SPACE } from './fixtures.js';


function usageField(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TinyforgeError);
    expect((e as TinyforgeError).code).toBe('E_USAGE');
    return String((e as TinyforgeError).details.field);
  }
  throw new Error('no error');
}

describe('nas search space', () => {
  it('size is the product of the choices, depth choices summed per stage', () => {
    // 2 resolutions x 2 widths x per stage ((2 kernels x 2 expands)^1 + (2 x 2)^2) = 4 x 20 x 20
    expect(spaceSize(parseSpace(TINY_SPACE))).toBe(1600n);
    const mcu = parseSpace(JSON.parse(readFileSync('examples/nas/mcu-small.json', 'utf8')));
    // 4 resolutions x 4 widths x (9 + 81) x (9 + 81 + 729)^3 x (9 + 81), with 9 = 3 kernels x 3 expands
    expect(spaceSize(mcu)).toBe(16n * 90n * 819n ** 3n * 90n);
  });

  it('refuses a bad field with a typed error naming it', () => {
    expect(usageField(() => parseSpace({ ...TINY_SPACE, kernels: [3, 4] }))).toBe('kernels[1]');
    expect(usageField(() => parseSpace({ ...TINY_SPACE, expands: [] }))).toBe('expands');
    expect(usageField(() => parseSpace({ ...TINY_SPACE, widths: [0.5, 0.5] }))).toBe('widths');
    expect(usageField(() => parseSpace({ ...TINY_SPACE, stages: [{ channels: 16, stride: 3, depths: [1] }] }))).toBe('stages[0].stride');
    expect(usageField(() => parseSpace({ ...TINY_SPACE, stages: [{ channels: 16, stride: 1, depths: [0] }] }))).toBe('stages[0].depths[0]');
    // stem + one stride-2 stage halve twice: 3 pixels cannot survive them
    expect(usageField(() => parseSpace({ ...TINY_SPACE, resolutions: [3, 16] }))).toBe('resolutions');
    expect(usageField(() => parseSpace([]))).toBe('(root)');
  });

  it('an arch must be a member: choices from the space, one block list per stage, a listed depth', () => {
    const space = parseSpace(TINY_SPACE);
    const ok = { resolution: 20, width: 0.5, stages: [[{ kernel: 5, expand: 3 }], [{ kernel: 3, expand: 6 }, { kernel: 5, expand: 6 }]] };
    expect(archKey(parseArch(ok, space))).toBe('20/0.5/53-36.56');
    expect(usageField(() => parseArch({ ...ok, resolution: 24 }, space))).toBe('resolution');
    expect(usageField(() => parseArch({ ...ok, stages: [ok.stages[0]] }, space))).toBe('stages');
    expect(usageField(() => parseArch({ ...ok, stages: [ok.stages[0], []] }, space))).toBe('stages[1] depth');
    expect(usageField(() => parseArch({ ...ok, stages: [[{ kernel: 7, expand: 3 }], ok.stages[1]] }, space))).toBe('stages[0][0].kernel');
    expect(extremeArch(space, 'largest').stages.map((s) => s.length)).toEqual([2, 2]);
  });

  it('archFromKey reads an archKey back into the same member, and refuses malformed keys and non-members', () => {
    const space = parseSpace(TINY_SPACE);
    expect(archFromKey('20/0.5/53-36.56', space)).toEqual({ resolution: 20, width: 0.5, stages: [[{ kernel: 5, expand: 3 }], [{ kernel: 3, expand: 6 }, { kernel: 5, expand: 6 }]] });
    expect(usageField(() => archFromKey('20/0.5/53-36.5', space))).toBe('key');
    expect(usageField(() => archFromKey('20/0.5', space))).toBe('key');
    expect(usageField(() => archFromKey('24/0.5/53-36', space))).toBe('resolution');
    expect(usageField(() => archFromKey('20/0.5/73-36', space))).toBe('stages[0][0].kernel');
  });
});
