// The stages import one way: import -> ir -> passes -> plan -> schedule -> (reference, cost, codegen) -> report -> cli.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, repoImports, stageOf, stageViolations } from './stage-imports.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Known violations, each owned by a later part of issue #10; remove an entry when its import goes. */
const KNOWN: string[] = [];

describe('stage imports', () => {
  it('no file imports a later or sibling stage (besides the known ones)', () => {
    const edges = repoImports(root);
    expect(edges.length).toBeGreaterThan(300); // the scan sees the tree
    const found = [...new Set(stageViolations(edges).map((v) => `${v.from} -> ${v.to}`))].sort();
    expect(found).toEqual([...KNOWN].sort());
  });

  it('flags the import cycles this check exists for', () => {
    const cycle = [
      { from: 'src/plan/patch/lower.ts', to: 'src/schedule/lower.ts' },
      { from: 'src/schedule/lower.ts', to: 'src/plan/liveness.ts' },
      { from: 'src/plan/overlap.ts', to: 'src/reference/ops/util.ts' },
      { from: 'src/plan/liveness.ts', to: 'src/cost/macs.ts' },
      { from: 'src/cost/profile.ts', to: 'src/reference/kernels.ts' },
    ];
    expect(stageViolations(cycle).map((v) => `${v.fromStage}->${v.toStage}`)).toEqual(['plan->schedule', 'plan->reference', 'plan->cost', 'cost->reference']);
  });

  it('reads static, re-export, dynamic and type imports, and places files in stages', () => {
    const src = [
      "import { a } from '../ir/graph.js';",
      "export { b } from './b.js';",
      "const m = await import('../codegen/c/emit.js');",
      "type T = import('../../src/pipeline.js').X;",
      "import 'node:fs';",
    ].join('\n');
    expect(importSpecifiers(src).sort()).toEqual(['../../src/pipeline.js', '../codegen/c/emit.js', '../ir/graph.js', './b.js']);
    expect(['src/errors.ts', 'src/escape.ts', 'src/index.ts', 'src/plan/patch/plan.ts', 'codegen/c/emit.ts', 'src/cli/main.ts', 'examples/x.ts'].map(stageOf))
      .toEqual(['base', 'base', 'api', 'plan', 'codegen', 'cli', null]);
    expect(() => stageOf('src/new-helper.ts')).toThrow(/in no stage/);
    expect(() => stageOf('src/newstage/x.ts')).toThrow(/in no stage/);
  });
});
