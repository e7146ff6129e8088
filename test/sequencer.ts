// Starts the slowest test files first so the workers finish together: a clean clone (CI) has no vitest
// results cache, and vitest then orders by file size (test/c/opt-levels.test.ts, 2 KB, would start among
// the last). The seconds are three runs with two workers on the shared 2-core machine (`vitest run test/c`,
// `... test/golden test/wasm test/browser`, `... test/train test/nas test/prune test/quantize test/fuzz`:
// DEVELOPERS.md); only their order matters, and a file missing here runs after these in vitest's own order.
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { relative } from 'node:path';

export const SLOW_FILES: Record<string, number> = {
  'test/c/kernels.test.ts': 277,
  'test/c/opt-levels.test.ts': 158,
  'test/cluster/finetune.test.ts': 152,
  'test/golden-int16/c.test.ts': 81,
  'test/c/golden.test.ts': 71,
  'test/cli/train.test.ts': 67,
  'test/quantize/mlperf-methods.test.ts': 62,
  'test/quantize/quantize.test.ts': 60,
  'test/golden/plan.test.ts': 60,
  'test/c/flash.test.ts': 55,
  'test/train/qat.test.ts': 28,
  'test/c/compile.test.ts': 28,
  'test/browser/web.test.ts': 22,
  'test/wasm/golden.test.ts': 20,
  'test/nas/supernet-cli.test.ts': 20,
  'test/quantize/int16.test.ts': 20,
  'test/c/packages.test.ts': 17,
  'test/golden/reference.test.ts': 16,
  'test/golden/compressed.test.ts': 16,
  'test/cli/profile.test.ts': 16,
  'test/wasm/kernels.test.ts': 14,
  'test/prune/cli.test.ts': 14,
  'test/quantize/same-scale.test.ts': 13,
  'test/train/training.test.ts': 12,
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
