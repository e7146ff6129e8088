// The kernel ABI's words are int32 (issue 18 item 4): an arena offset past 2^31 used to wrap into a
// negative word, which the kernels read as a constant-data reference and wrote over the constants.
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../src/builder/index.js';
import { planModel, scheduleOf } from '../../src/pipeline.js';
import { ConstantData } from '../../src/schedule/abi/constants.js';
import { lowerSchedule } from '../../src/schedule/abi/lower.js';
import { abiWord, constRef } from '../../src/schedule/abi/records.js';
import type { KernelCall, Schedule } from '../../src/schedule/types.js';
import { refusal } from '../helpers/refusal.js';


function logisticSchedule(): Schedule {
  const b = new ModelBuilder({ name: 'abi', seed: 1 });
  b.output(b.logistic(b.input('x', [1, 8], { scale: 0.1, zeroPoint: 0 })));
  return scheduleOf(planModel(b.build(), { inplace: false }).plan);
}

describe('int32 words of the kernel ABI', () => {
  it('a real schedule lowers', () => {
    expect(lowerSchedule(logisticSchedule()).calls.map((c) => c.symbol)).toEqual(['logistic_s8']);
  });

  it('an arena over 2 GiB is refused with its size', () => {
    const s = logisticSchedule();
    const e = refusal(() => lowerSchedule({ ...s, arenaBytes: 4_294_967_296 }));
    expect(e.code).toBe('E_UNSUPPORTED');
    expect(e.message).toBe("the arena size in bytes is 4294967296, outside the kernel ABI's int32 range (-2147483648..2147483647)");
  });

  it('an arena offset that would wrap (4,294,791,200 -> -176,096) is refused in the record', () => {
    const s = logisticSchedule();
    const call = s.calls[0] as KernelCall;
    const moved: KernelCall = { ...call, outputs: [{ ...call.outputs[0]!, offset: 4_294_791_200 }] };
    const e = refusal(() => lowerSchedule({ ...s, calls: [moved] }));
    expect(e.message).toBe("sigmoid record field output is 4294791200, outside the kernel ABI's int32 range (-2147483648..2147483647)");
    expect(e.details).toEqual({ field: 'sigmoid record field output', value: 4_294_791_200 });
  });

  it('int32 arrays in the constants and constant references are checked too', () => {
    expect(refusal(() => new ConstantData().addInt32([1, 2 ** 31])).details).toEqual({ field: 'int32 array entry', value: 2 ** 31 });
    expect(refusal(() => constRef(2 ** 31)).message).toMatch(/^constant data offset is 2147483648, outside/);
    expect(constRef(2 ** 31 - 1)).toBe(-(2 ** 31));
    expect(abiWord(-(2 ** 31), 'x')).toBe(-(2 ** 31));
    expect(refusal(() => abiWord(1.5, 'x')).code).toBe('E_UNSUPPORTED');
  });
});
