// The checked-in stack tables (src/cost/calibration/stack-<cpu>.json) against the installed compiler: a
// kernel whose frames or call tree changed without `npm run bench:stack` would make `plan`'s stackBytes
// and the qemu engines' stack reservation stale.
import { describe, expect, it } from 'vitest';
import { stackTableFor } from '../../bench/stack-table.js';
import { stackTable } from '../../src/cost/stack.js';
import { haveShared, SHARED_DIR } from '../helpers/shared.js';
import { haveTools } from './toolchain.js';

const ok = haveShared() && haveTools('stack tables', ['arm-none-eabi-gcc', 'arm-none-eabi-size']);

describe.skipIf(!ok)('stack tables', () => {
  it('cortex-m4: the checked-in table is what arm-none-eabi-gcc gives now (else: npm run bench:stack)', async () => {
    const now = await stackTableFor('cortex-m4', SHARED_DIR);
    const stored = stackTable('cortex-m4');
    expect(stored.flags).toEqual(now.flags);
    expect(stored.kernels).toEqual(now.kernels);
    expect({ invoke: stored.invokeFrameBytes, static: stored.staticBytes, harness: stored.harness }).toEqual({ invoke: now.invokeFrameBytes, static: now.staticBytes, harness: now.harness });
    // every kernel's worst path has a frame, and none holds a variable-length array (scratch is planned in the arena)
    expect(Object.values(now.kernels).every((k) => k.bytes > 0)).toBe(true);
    expect(Object.entries(now.kernels).filter(([, k]) => k.dynamic).map(([symbol]) => symbol)).toEqual([]);
  }, 120_000);
});
