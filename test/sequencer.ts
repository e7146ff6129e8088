// Starts the slowest test files first so the workers finish together: a clean clone (CI) has no vitest
// results cache, and vitest then orders by file size (test/c/opt-levels.test.ts, 2 KB, would start among
// the last). The seconds are one run of `vitest run test/c` (which also matches test/cli, test/cluster,
// test/cost) with two workers on the shared 2-core machine (DEVELOPERS.md); only their order matters, and
// a file missing here runs after these in vitest's own order.
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { relative } from 'node:path';

export const SLOW_FILES: Record<string, number> = {
  'test/c/kernels.test.ts': 277,
  'test/c/opt-levels.test.ts': 158,
  'test/cluster/finetune.test.ts': 152,
  'test/c/golden.test.ts': 71,
  'test/cli/train.test.ts': 67,
  'test/c/flash.test.ts': 55,
  'test/c/compile.test.ts': 28,
  'test/c/packages.test.ts': 17,
  'test/cli/profile.test.ts': 16,
  'test/cli/kernel-cache.test.ts': 12,
  'test/c/stack.test.ts': 11,
  'test/c/netduinoplus2.test.ts': 11,
};

export class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rest = await super.sort(files);
    const seconds = (f: TestSpecification) => SLOW_FILES[relative(f.project.config.root, f.moduleId).split('\\').join('/')] ?? -1;
    // Array.prototype.sort is stable: files without a figure keep vitest's order among themselves
    return rest.sort((a, b) => seconds(b) - seconds(a));
  }
}
