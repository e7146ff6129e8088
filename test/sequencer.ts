// Starts the slowest test files first so the workers finish together: a clean clone (CI) has no vitest
// results cache, and vitest then orders by file size (test/c/opt-levels.test.ts, 2 KB, would start among
// the last). The seconds are one run of `vitest run test/c` (which also matches test/cli, test/cluster and
// test/cost) on the loaded 2-core machine, see DEVELOPERS.md; only their order matters, and a file missing
// here runs after these in vitest's own order.
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { relative } from 'node:path';

export const SLOW_FILES: Record<string, number> = {
  'test/c/kernels.test.ts': 402,
  'test/cluster/finetune.test.ts': 131,
  'test/c/opt-levels.test.ts': 121,
  'test/c/golden.test.ts': 111,
  'test/cli/train.test.ts': 94,
  'test/c/flash.test.ts': 71,
  'test/c/compile.test.ts': 57,
  'test/cli/profile.test.ts': 37,
  'test/c/packages.test.ts': 34,
  'test/cli/eval-c.test.ts': 32,
  'test/c/netduinoplus2.test.ts': 29,
  'test/cli/kernel-cache.test.ts': 27,
  'test/c/stack.test.ts': 20,
  'test/cli/plan.test.ts': 17,
};

export class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rest = await super.sort(files);
    const seconds = (f: TestSpecification) => SLOW_FILES[relative(f.project.config.root, f.moduleId).split('\\').join('/')] ?? -1;
    // Array.prototype.sort is stable: files without a figure keep vitest's order among themselves
    return rest.sort((a, b) => seconds(b) - seconds(a));
  }
}
