// The stage order of DEVELOPERS.md as data, and a checker over the import lines of src/** and codegen/**:
// a file may import its own stage or an earlier one, never a later one nor a sibling stage.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Stages in dependency order: a stage may import only stages with a lower rank (and itself). */
export const STAGE_RANKS: Readonly<Record<string, number>> = {
  errors: 0, // src/errors.ts: every stage throws TinyforgeErrors
  ir: 1,
  import: 2,
  builder: 2,
  passes: 3,
  plan: 4,
  schedule: 5,
  reference: 6,
  cost: 6,
  codegen: 6,
  report: 7,
  api: 8, // src/pipeline.ts, src/index.ts: the stages strung together, the library API
  cli: 9,
};

/** The stage of a repo-relative .ts path, or null outside src/ and codegen/. */
export function stageOf(file: string): string | null {
  const parts = file.split('/');
  if (parts[0] === 'codegen') return 'codegen';
  if (parts[0] !== 'src') return null;
  if (parts.length === 2) {
    if (parts[1] === 'errors.ts') return 'errors';
    if (parts[1] === 'pipeline.ts' || parts[1] === 'index.ts') return 'api';
    return null;
  }
  return parts[1]! in STAGE_RANKS ? parts[1]! : null;
}

export interface ImportEdge {
  from: string;
  to: string;
}

/** Relative module specifiers a source imports: static imports, re-exports, dynamic and type imports. */
export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [/\bfrom\s+'(\.{1,2}\/[^']+)'/g, /\bimport\s*\(\s*'(\.{1,2}\/[^']+)'\s*\)/g, /^\s*import\s+'(\.{1,2}\/[^']+)'/gm];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

function tsFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return tsFiles(root, path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative import of src/** and codegen/** as repo-relative .ts paths. */
export function repoImports(root: string): ImportEdge[] {
  return ['src', 'codegen'].flatMap((dir) => tsFiles(root, dir)).flatMap((from) =>
    importSpecifiers(readFileSync(join(root, from), 'utf8')).map((spec) => ({
      from,
      to: relative(root, resolve(root, dirname(from), spec)).replace(/\.js$/, '.ts'),
    })),
  );
}

/** Imports that go against the stage order (later stage, or a sibling stage of the same rank). */
export function stageViolations(edges: readonly ImportEdge[]): Array<ImportEdge & { fromStage: string; toStage: string }> {
  return edges.flatMap((e) => {
    const fromStage = stageOf(e.from), toStage = stageOf(e.to);
    if (!fromStage || !toStage || fromStage === toStage) return [];
    return STAGE_RANKS[toStage]! < STAGE_RANKS[fromStage]! ? [] : [{ ...e, fromStage, toStage }];
  });
}
